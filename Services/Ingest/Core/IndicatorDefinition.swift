import Foundation

/// One canonical indicator as the reporting service describes it (`indicators.tsv` plus user additions).
public struct IndicatorDefinition: Sendable, Hashable {
    public var id: String
    public var unitClass: String
    public var flow: String
    public var names: [String]
    public var note: String

    public init(id: String, unitClass: String, flow: String, names: [String], note: String) {
        self.id = id
        self.unitClass = unitClass
        self.flow = flow
        self.names = names
        self.note = note
    }
}
