import ZhibiaoProtocol

/// What a region's page shows, as the reporting service answered it (rows of its methods, display forms included).
public struct RegionReport: Sendable {
    /// `regions` with `root`: the region first, then its sub-regions depth-first.
    public var tree: [JSONValue]
    /// Indicator id → its first name (地区生产总值), in catalogue order.
    public var indicators: [(id: String, name: String)]
    /// `summary` of the region and its sub-regions.
    public var summary: [JSONValue]
    /// `series` rows of every indicator with actual values in the tree, by indicator id.
    public var series: [String: [JSONValue]]
    /// `targets` of the region and its sub-regions.
    public var targets: [JSONValue]
    /// `facts` of the region and its sub-regions, by id: each number links to one of these.
    public var facts: [Int: JSONValue]
    /// `documents` the facts come from, by id.
    public var documents: [Int: JSONValue]
    /// The answers' `as_of`.
    public var asOf: String

    public init(
        tree: [JSONValue], indicators: [(id: String, name: String)], summary: [JSONValue],
        series: [String: [JSONValue]], targets: [JSONValue], facts: [Int: JSONValue], documents: [Int: JSONValue],
        asOf: String
    ) {
        self.tree = tree
        self.indicators = indicators
        self.summary = summary
        self.series = series
        self.targets = targets
        self.facts = facts
        self.documents = documents
        self.asOf = asOf
    }

    public var region: JSONValue { tree.first ?? .null }
    public var regionName: String { region["name"]?.stringValue ?? "" }

    func name(of indicator: String) -> String {
        indicators.first { $0.id == indicator }?.name ?? indicator
    }

    /// The indicators that have series in the tree, in catalogue order.
    var indicatorsWithSeries: [String] {
        indicators.map(\.id).filter { !(series[$0] ?? []).isEmpty }
    }
}
