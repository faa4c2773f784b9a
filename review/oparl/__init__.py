"""OParl import: client, vendor adapters, parsing, the sync run, relevance, fixture server."""
