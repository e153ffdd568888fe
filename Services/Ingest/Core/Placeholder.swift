/// Placeholder until the ingest service lands (issue 4).
public enum IngestPlaceholder {}
