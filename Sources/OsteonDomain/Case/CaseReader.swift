/// Reads the native case JSON (schemas/case.schema.json) into a PatientCase.
/// A wrong value is reported with its path and what to fix, and read as
/// absent; the rest of the case is kept. Unknown keys are reported too, since
/// they are usually typos of a field the assessment then asks for.
public enum CaseReader {
    public struct Output: Sendable {
        public let patientCase: PatientCase
        /// Values present but wrong ("lesions[0].phenotype: 'lytc' is not one of …").
        public let problems: [CannotScore.Problem]
        public let unknownKeys: [String]
    }

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case notAnObject
        case missingPatientID
        public var description: String {
            switch self {
            case .notAnObject: "the case must be a JSON object"
            case .missingPatientID: "patient_id missing: every case needs an identifier"
            }
        }
    }

    /// The keys of every object of the case format, by path; schemas/case.schema.json
    /// must list the same (a test checks).
    public static let keys: [String: Set<String>] = [
        "": ["patient_id", "as_of", "patient", "cancers", "lesions", "other_metastases", "skeletal_metastasis_counts", "labs", "performance_status", "neurology", "medications", "radiotherapy", "surgeries", "imaging", "referrals", "dental", "family_history", "predispositions", "fit_for_surgery", "expected_survival_weeks", "care_setting", "follow_up_visits", "notes"],
        "patient": ["birth_date", "age_years", "age_as_of", "sex", "weight_kg", "weight_kind", "deceased_on"],
        "cancers[].staging": ["site_group", "greatest_dimension_cm", "discontinuous_tumor_in_primary_bone", "grade", "regional_nodes", "distant_metastases", "compartment", "segments_involved", "non_adjacent_segments", "spinal_canal_extension", "great_vessel_extension", "pelvic_segments", "extraosseous_extension", "crosses_sacroiliac_joint_to_neuroforamen", "encases_external_iliac_vessels_or_tumor_thrombus", "percent_necrosis"],
        "cancers[]": ["primary_site", "histology", "lung_type", "hormone_status", "targeted_therapy", "stage", "t_category", "psa_ng_ml", "gleason", "diagnosis_date", "tomita_growth_group", "katagiri_growth_group", "radiosensitivity", "end_of_treatment_date", "clinical_status", "staging"],
        "lesions[]": ["id", "bone", "region", "side", "level", "origin", "phenotype", "size_fraction", "size", "mirels_site", "pain", "fracture", "posterolateral_involvement", "vertebral_body_collapse", "alignment", "escc_grade", "lodwick_grade", "expansile", "detected_date"],
        "other_metastases[]": ["site", "pattern", "removable", "treatable"],
        "skeletal_metastasis_counts": ["extraspinal", "vertebral"],
        "labs[]": ["test", "value", "unit", "date", "reference_low", "reference_high", "interpretation"],
        "performance_status": ["ecog", "kps", "date"],
        "neurology": ["frankel_grade", "new_weakness", "sensory_level", "bladder_bowel_dysfunction", "back_pain", "symptom_onset"],
        "medications[]": ["name", "class", "agent", "status", "indication", "start_date", "last_dose_date", "dose_dates", "interval", "dose_mg"],
        "radiotherapy[]": ["lesion_id", "site", "dose_gy", "fractions", "date"],
        "surgeries[]": ["kind", "lesion_id", "date"],
        "imaging[]": ["modality", "region", "date"],
        "referrals[]": ["specialty", "date"],
        "dental": ["last_evaluation_date", "evaluation_dates", "calcium_vitamin_d", "poor_oral_health", "planned_dentoalveolar_surgery", "ill_fitting_dentures", "uncontrolled_diabetes", "tobacco_use"],
        "family_history[]": ["relation", "condition", "age_at_diagnosis"],
    ]

    public static func read(_ value: JSONValue) throws(Failure) -> Output {
        guard var r = try? InputReader(value) else { throw .notAnObject }
        var unknown: [String] = []
        guard let id = r.string("patient_id") ?? r.raw("patient_id").flatMap({ v -> String? in
            if case .int(let i) = v { return String(i) } else { return nil }
        }) else { throw .missingPatientID }
        var c = PatientCase(patientID: id)
        c.asOf = r.day("as_of")
        unknown += r.unknown(keys[""]!)

        if let p = r.nested("patient", { p -> Patient in
            var out = Patient()
            out.birthDate = p.day("birth_date")
            out.ageYears = p.int("age_years", in: 0...120)
            out.ageAsOf = p.day("age_as_of")
            out.sex = p.enumValue("sex")
            out.weightKg = p.double("weight_kg", in: 1...500)
            out.weightKind = p.enumValue("weight_kind")
            out.deceasedOn = p.day("deceased_on")
            unknown += p.unknown(keys["patient"]!)
            return out
        }) { c.patient = p }

        c.cancers = r.list("cancers") { x in
            var k = Cancer()
            k.primarySite = x.enumValue("primary_site")
            k.histology = x.string("histology")
            k.lungType = x.enumValue("lung_type")
            k.hormoneStatus = x.enumValue("hormone_status")
            k.targetedTherapy = x.bool("targeted_therapy")
            k.stage = x.string("stage")
            k.tCategory = x.string("t_category")
            k.psa = x.double("psa_ng_ml", in: 0...100_000)
            k.gleason = x.int("gleason", in: 2...10)
            k.diagnosisDate = x.day("diagnosis_date")
            k.tomitaGrowthGroup = x.enumValue("tomita_growth_group")
            k.katagiriGrowthGroup = x.enumValue("katagiri_growth_group")
            k.radiosensitivity = x.enumValue("radiosensitivity")
            k.endOfTreatmentDate = x.day("end_of_treatment_date")
            k.clinicalStatus = x.enumValue("clinical_status")
            k.staging = x.nested("staging") { s -> SarcomaStaging in
                var st = SarcomaStaging()
                st.siteGroup = s.enumValue("site_group")
                st.greatestDimensionCm = s.double("greatest_dimension_cm", in: 0.1...100)
                st.discontinuous = s.bool("discontinuous_tumor_in_primary_bone")
                st.grade = s.enumValue("grade")
                st.regionalNodes = s.enumValue("regional_nodes")
                st.distantMetastases = s.enumValue("distant_metastases")
                st.compartment = s.enumValue("compartment")
                st.segmentsInvolved = s.int("segments_involved", in: 1...30)
                st.nonAdjacentSegments = s.bool("non_adjacent_segments")
                st.spinalCanalExtension = s.bool("spinal_canal_extension")
                st.greatVesselExtension = s.bool("great_vessel_extension")
                st.pelvicSegments = s.int("pelvic_segments", in: 1...4)
                st.extraosseousExtension = s.bool("extraosseous_extension")
                st.crossesSacroiliacJoint = s.bool("crosses_sacroiliac_joint_to_neuroforamen")
                st.encasesVessels = s.bool("encases_external_iliac_vessels_or_tumor_thrombus")
                st.percentNecrosis = s.double("percent_necrosis", in: 0...100)
                unknown += s.unknown(keys["cancers[].staging"]!)
                return st
            }
            unknown += x.unknown(keys["cancers[]"]!)
            return k
        }

        c.lesions = r.list("lesions") { x in
            var l = Lesion(id: x.string("id") ?? "L\(x.index + 1)")
            l.bone = x.enumValue("bone")
            l.region = x.enumValue("region")
            l.side = x.string("side")
            l.level = x.string("level")
            if let level = l.level, SpinalLevel.span(level) == nil {
                x.invalid("level", "'\(level)' is not a vertebral level such as T12 or a range T11-L1")
                l.level = nil
            }
            l.origin = x.enumValue("origin")
            l.phenotype = x.enumValue("phenotype")
            l.sizeFraction = x.double("size_fraction", in: 0...1)
            l.mirelsSize = x.enumValue("size")
            l.mirelsSite = x.enumValue("mirels_site")
            if case .string(let pain)? = x.raw("pain") {
                l.spinePain = SINS.Pain.parse(pain)
                l.limbPain = Mirels.Pain.parse(pain)
                if l.spinePain == nil && l.limbPain == nil && !["none", "no_pain"].contains(pain.lowercased()) {
                    x.invalid("pain", "'\(pain)' is not one of: \(Mirels.Pain.allowedList) (limb) or \(SINS.Pain.allowedList) (spine)")
                }
                l.painful = !(l.spinePain == .painFree || ["none", "no_pain"].contains(pain.lowercased()))
                if ["none", "no_pain"].contains(pain.lowercased()) { l.spinePain = .painFree }
            } else if x.has("pain") {
                x.invalid("pain", "expected text such as functional or mechanical")
            }
            l.fracture = x.enumValue("fracture")
            l.posterolateral = x.enumValue("posterolateral_involvement")
            l.collapse = x.enumValue("vertebral_body_collapse")
            l.alignment = x.enumValue("alignment")
            l.escc = x.enumValue("escc_grade")
            l.lodwick = x.enumValue("lodwick_grade")
            l.expansile = x.bool("expansile")
            l.detectedDate = x.day("detected_date")
            unknown += x.unknown(keys["lesions[]"]!)
            return l
        }

        c.otherMetastases = r.list("other_metastases") { x in
            var m = OtherMetastasis()
            m.site = x.enumValue("site")
            m.pattern = x.enumValue("pattern")
            m.removable = x.bool("removable")
            m.treatable = x.bool("treatable")
            unknown += x.unknown(keys["other_metastases[]"]!)
            return m
        }

        c.skeletalCounts = r.nested("skeletal_metastasis_counts") { x in
            var s = SkeletalCounts()
            s.extraspinal = x.int("extraspinal", in: 0...1000)
            s.vertebral = x.int("vertebral", in: 0...25)
            unknown += x.unknown(keys["skeletal_metastasis_counts"]!)
            return s
        }

        c.labs = r.list("labs") { x in
            var lab = LabResult()
            lab.test = x.enumValue("test")
            lab.value = x.double("value", in: 0...10_000_000)
            lab.unit = x.string("unit")
            lab.date = x.day("date")
            lab.referenceLow = x.double("reference_low", in: 0...10_000_000)
            lab.referenceHigh = x.double("reference_high", in: 0...10_000_000)
            lab.interpretation = x.enumValue("interpretation")
            unknown += x.unknown(keys["labs[]"]!)
            return lab
        }

        c.performance = r.nested("performance_status") { x in
            var p = PerformanceStatus()
            p.ecog = x.int("ecog", in: 0...4)
            p.kps = x.int("kps", in: 0...100)
            if let k = p.kps, k % 10 != 0 || k < 10 {
                x.invalid("kps", "Karnofsky is recorded in steps of 10 from 10 to 100")
                p.kps = nil
            }
            p.date = x.day("date")
            unknown += x.unknown(keys["performance_status"]!)
            return p
        }

        c.neurology = r.nested("neurology") { x in
            var n = Neurology()
            n.frankel = x.enumValue("frankel_grade")
            n.newWeakness = x.bool("new_weakness")
            n.sensoryLevel = x.bool("sensory_level")
            n.bladderBowelDysfunction = x.bool("bladder_bowel_dysfunction")
            n.backPain = x.bool("back_pain")
            n.symptomOnset = x.day("symptom_onset")
            unknown += x.unknown(keys["neurology"]!)
            return n
        }

        c.medications = r.list("medications") { x in
            var m = Medication()
            m.name = x.string("name")
            m.medicationClass = x.enumValue("class")
            m.agent = x.enumValue("agent")
            if m.agent == nil, let name = m.name { m.agent = Agent.parse(name) }
            if m.medicationClass == nil, m.agent != nil, m.agent != .other { m.medicationClass = .boneModifyingAgent }
            m.status = x.enumValue("status")
            m.indication = x.enumValue("indication")
            m.startDate = x.day("start_date")
            m.lastDoseDate = x.day("last_dose_date")
            m.doseDates = x.days("dose_dates")
            // The latest dose is the latest of the two records of it (a dose recorded one by one is not copied into last_dose_date).
            if let latest = m.doseDates?.last, m.lastDoseDate.map({ $0 < latest }) ?? true { m.lastDoseDate = latest }
            m.interval = x.enumValue("interval")
            m.doseMg = x.double("dose_mg", in: 0...10_000)
            unknown += x.unknown(keys["medications[]"]!)
            return m
        }

        c.radiotherapy = r.list("radiotherapy") { x in
            var rt = RadiotherapyCourse()
            rt.lesionID = x.string("lesion_id")
            rt.site = x.string("site")
            rt.doseGy = x.double("dose_gy", in: 0...200)
            rt.fractions = x.int("fractions", in: 1...100)
            rt.date = x.day("date")
            unknown += x.unknown(keys["radiotherapy[]"]!)
            return rt
        }

        c.surgeries = r.list("surgeries") { x in
            var s = Surgery()
            s.kind = x.enumValue("kind")
            s.lesionID = x.string("lesion_id")
            s.date = x.day("date")
            unknown += x.unknown(keys["surgeries[]"]!)
            return s
        }

        c.imaging = r.list("imaging") { x in
            var s = ImagingStudy()
            s.modality = x.enumValue("modality")
            s.region = x.string("region")
            s.date = x.day("date")
            unknown += x.unknown(keys["imaging[]"]!)
            return s
        }

        c.referrals = r.list("referrals") { x in
            var ref = Referral()
            ref.specialty = x.enumValue("specialty")
            ref.date = x.day("date")
            unknown += x.unknown(keys["referrals[]"]!)
            return ref
        }

        c.dental = r.nested("dental") { x in
            var d = Dental()
            d.lastEvaluationDate = x.day("last_evaluation_date")
            d.evaluationDates = x.days("evaluation_dates")
            if let latest = d.evaluationDates?.last, d.lastEvaluationDate.map({ $0 < latest }) ?? true { d.lastEvaluationDate = latest }
            d.calciumVitaminD = x.bool("calcium_vitamin_d")
            d.riskFactors = MRONJ.readRiskFactors(&x)
            unknown += x.unknown(keys["dental"]!)
            return d
        }

        c.familyHistory = r.list("family_history") { x in
            var f = FamilyHistoryItem()
            f.relation = x.string("relation")
            f.condition = x.string("condition")
            f.ageAtDiagnosis = x.int("age_at_diagnosis", in: 0...120)
            unknown += x.unknown(keys["family_history[]"]!)
            return f
        }

        if let raw = r.raw("predispositions") {
            if case .array(let items) = raw {
                c.predispositions = []
                for (i, item) in items.enumerated() {
                    if case .string(let s) = item, let p = Predisposition.parse(s) { c.predispositions!.append(p) }
                    else { r.invalid("predispositions[\(i)]", "not one of: \(Predisposition.allowedList)") }
                }
            } else {
                r.invalid("predispositions", "expected a list such as [\"li_fraumeni\"]")
            }
        }

        c.fitForSurgery = r.bool("fit_for_surgery")
        c.expectedSurvivalWeeks = r.double("expected_survival_weeks", in: 0...5200)
        c.careSetting = r.enumValue("care_setting")
        if let raw = r.raw("follow_up_visits") {
            var f = SarcomaFollowUp()
            if case .array(let items) = raw {
                for (i, item) in items.enumerated() {
                    if case .string(let s) = item, let d = Day(s) { f.visits.append(d) }
                    else { r.invalid("follow_up_visits[\(i)]", "expected a date YYYY-MM-DD") }
                }
            } else {
                r.invalid("follow_up_visits", "expected a list of dates")
            }
            c.followUp = f
        }
        return Output(patientCase: c, problems: r.problems, unknownKeys: unknown)
    }
}

extension InputReader {
    /// Position of this object in its list (for default ids); -1 outside a list.
    var index: Int {
        guard let open = prefix.lastIndex(of: "["), let close = prefix.lastIndex(of: "]"),
            let n = Int(prefix[prefix.index(after: open)..<close]) else { return -1 }
        return n
    }

    mutating func day(_ key: String) -> Day? {
        guard let text = string(key) else { return nil }
        guard let d = Day(text) else {
            invalid(key, "'\(text)' is not a date YYYY-MM-DD")
            return nil
        }
        return d
    }

    /// A list of dates YYYY-MM-DD, sorted; each bad one is reported by its place in the list.
    mutating func days(_ key: String) -> [Day]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let items) = v else {
            invalid(key, "expected a list of dates YYYY-MM-DD")
            return nil
        }
        var out: [Day] = []
        for (i, item) in items.enumerated() {
            guard let text = item.stringValue, let d = Day(text) else {
                invalid("\(key)[\(i)]", "'\(item.stringValue ?? item.serialized())' is not a date YYYY-MM-DD")
                continue
            }
            out.append(d)
        }
        return out.sorted()
    }

    /// Each element of a list of objects, read with `read`; problems merged back.
    mutating func list<T>(_ key: String, _ read: (inout InputReader) -> T) -> [T]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let items) = v else {
            invalid(key, "expected a list")
            return nil
        }
        var out: [T] = []
        for (i, item) in items.enumerated() {
            guard var inner = try? InputReader(item, prefix: "\(prefix)\(key)[\(i)].") else {
                invalid("\(key)[\(i)]", "expected an object")
                continue
            }
            out.append(read(&inner))
            absorb(inner.problems)
        }
        return out
    }

    func unknown(_ known: Set<String>) -> [String] {
        pairs.map(\.0).filter { !known.contains($0) }.map { prefix + $0 }
    }
}
