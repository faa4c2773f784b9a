"""Statement documents: Word from the office's templates, PDF/A-2b (docs/documents.md)."""
