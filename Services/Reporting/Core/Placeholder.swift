/// Placeholder until the reporting service lands (issue 5).
public enum ReportingPlaceholder {}
