/// Placeholder until the extraction engine lands (issue 3).
public enum ExtractionPlaceholder {}
