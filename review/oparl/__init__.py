"""OParl import: client, vendor adapters, tolerant parsing, the sync run, relevance, fixture server."""
