import OsteonDomain
import Testing

/// Removing any required input from a complete case must give
/// "cannot score: <field> missing", never a result computed from a default.
@Suite struct MissingInputTests {
    static let validCases = Vignettes.all.filter { $0.expected["valid"] != false }

    @Test(arguments: validCases)
    func removingAnyRequiredKeyCannotScore(_ c: Vignettes.Case) throws {
        let rule = try #require(ScoreCatalog.rule(id: c.score))
        guard case .object(let pairs) = c.inputs else { Issue.record("inputs are not an object"); return }
        let required = Set(rule.inputKeys.filter(\.required).map(\.name))
        var removed = 0
        for (key, value) in pairs where required.contains(key) {
            removed += 1
            let without = JSONValue.object(pairs.filter { $0.0 != key })
            let nulled = JSONValue.object(pairs.map { $0.0 == key ? ($0.0, .null) : $0 })
            for inputs in [without, nulled] {
                switch rule.run(inputs) {
                case .success: Issue.record("\(c.id): scored without \(key)")
                case .failure(let problem): #expect(problem.message == "cannot score: \(key) missing", "\(c.id)")
                }
            }
            // Members of a nested group are required one by one too.
            if case .object(let inner) = value {
                for (innerKey, _) in inner {
                    let partial = JSONValue.object(pairs.map { $0.0 == key ? (key, .object(inner.filter { $0.0 != innerKey })) : $0 })
                    switch rule.run(partial) {
                    case .success: Issue.record("\(c.id): scored without \(key).\(innerKey)")
                    case .failure(let problem): #expect(problem.message == "cannot score: \(key).\(innerKey) missing")
                    }
                }
            }
        }
        #expect(removed > 0, "\(c.id): no required input found to remove")
    }

    @Test func emptyInputListsEveryRequiredField() {
        for rule in ScoreCatalog.rules {
            guard case .failure(let problem) = rule.run(.object([])) else {
                Issue.record("\(rule.id) scored an empty input")
                continue
            }
            #expect(problem.problems.allSatisfy { $0.kind == .missing }, "\(rule.id)")
            #expect(problem.message.hasPrefix("cannot score: "), "\(rule.id)")
        }
    }

    @Test func unknownEnumValueIsInvalidAndSaysWhatIsAllowed() throws {
        let result = Mirels.run(["site": "upper_limb", "pain": "severe", "lesion_type": "lytic", "size": "lt_one_third"])
        guard case .failure(let problem) = result else { Issue.record("scored an unknown pain value"); return }
        #expect(problem.message == "cannot score: pain invalid")
        #expect(problem.description.contains("mild, moderate, functional"))
    }

    @Test func wrongTypeIsInvalid() {
        guard case .failure(let p) = Huvos.run(["percent_necrosis": "ninety"]) else { Issue.record("scored text"); return }
        #expect(p.message == "cannot score: percent_necrosis invalid")
        guard case .failure(let q) = Huvos.run(["percent_necrosis": 140]) else { Issue.record("scored 140 %"); return }
        #expect(q.message == "cannot score: percent_necrosis invalid")
    }

    @Test func inputThatIsNotAnObjectIsInvalid() {
        guard case .failure(let p) = SINS.run([1, 2]) else { Issue.record("scored an array"); return }
        #expect(p.message == "cannot score: input invalid")
    }
}
