"""What a municipal IT department runs and watches: health checks, request ids in logs."""
