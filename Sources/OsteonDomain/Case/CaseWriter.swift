/// The inverse of CaseReader: a PatientCase as the native case JSON, so that
/// records imported from FHIR can be stored and edited in one format.
/// Absent stays absent (nil lists are omitted; empty lists are written).
public enum CaseWriter {
    public static func json(_ c: PatientCase) -> JSONValue {
        var top: [(String, JSONValue)] = [("patient_id", .string(c.patientID))]
        if let d = c.asOf { top.append(("as_of", .string(d.description))) }
        top.append(("patient", patient(c.patient)))
        if let v = c.cancers { top.append(("cancers", .array(v.map(cancer)))) }
        if let v = c.lesions { top.append(("lesions", .array(v.map(lesion)))) }
        if let v = c.otherMetastases {
            top.append(("other_metastases", .array(v.map { m in
                object([("site", m.site.map { .string($0.rawValue) }), ("pattern", m.pattern.map { .string($0.rawValue) }),
                        ("removable", m.removable.map { .bool($0) }), ("treatable", m.treatable.map { .bool($0) })])
            })))
        }
        if let s = c.skeletalCounts {
            top.append(("skeletal_metastasis_counts", object([("extraspinal", s.extraspinal.map { .int($0) }), ("vertebral", s.vertebral.map { .int($0) })])))
        }
        if let v = c.labs {
            top.append(("labs", .array(v.map { l in
                object([("test", l.test.map { .string($0.rawValue) }), ("value", l.value.map { .double($0) }), ("unit", l.unit.map { .string($0) }),
                        ("date", l.date.map { .string($0.description) }), ("reference_low", l.referenceLow.map { .double($0) }),
                        ("reference_high", l.referenceHigh.map { .double($0) }), ("interpretation", l.interpretation.map { .string($0.rawValue) })])
            })))
        }
        if let p = c.performance {
            top.append(("performance_status", object([("ecog", p.ecog.map { .int($0) }), ("kps", p.kps.map { .int($0) }), ("date", p.date.map { .string($0.description) })])))
        }
        if let n = c.neurology {
            top.append(("neurology", object([
                ("frankel_grade", n.frankel.map { .string($0.rawValue) }), ("new_weakness", n.newWeakness.map { .bool($0) }),
                ("sensory_level", n.sensoryLevel.map { .bool($0) }), ("bladder_bowel_dysfunction", n.bladderBowelDysfunction.map { .bool($0) }),
                ("back_pain", n.backPain.map { .bool($0) }), ("symptom_onset", n.symptomOnset.map { .string($0.description) }),
            ])))
        }
        if let v = c.medications { top.append(("medications", .array(v.map(medication)))) }
        if let v = c.radiotherapy {
            top.append(("radiotherapy", .array(v.map { r in
                object([("lesion_id", r.lesionID.map { .string($0) }), ("site", r.site.map { .string($0) }), ("dose_gy", r.doseGy.map { .double($0) }),
                        ("fractions", r.fractions.map { .int($0) }), ("date", r.date.map { .string($0.description) })])
            })))
        }
        if let v = c.surgeries {
            top.append(("surgeries", .array(v.map { s in
                object([("kind", s.kind.map { .string($0.rawValue) }), ("lesion_id", s.lesionID.map { .string($0) }), ("date", s.date.map { .string($0.description) })])
            })))
        }
        if let v = c.imaging {
            top.append(("imaging", .array(v.map { s in
                object([("modality", s.modality.map { .string($0.rawValue) }), ("region", s.region.map { .string($0) }), ("date", s.date.map { .string($0.description) })])
            })))
        }
        if let v = c.referrals {
            top.append(("referrals", .array(v.map { r in object([("specialty", r.specialty.map { .string($0.rawValue) }), ("date", r.date.map { .string($0.description) })]) })))
        }
        if let d = c.dental {
            let rf = d.riskFactors
            top.append(("dental", object([
                ("last_evaluation_date", d.lastEvaluationDate.map { .string($0.description) }),
                ("evaluation_dates", d.evaluationDates.map { JSONValue.array($0.map { .string($0.description) }) }), ("calcium_vitamin_d", d.calciumVitaminD.map { .bool($0) }),
                ("poor_oral_health", rf.poorOralHealth.map { .bool($0) }), ("planned_dentoalveolar_surgery", rf.plannedDentoalveolarSurgery.map { .bool($0) }),
                ("ill_fitting_dentures", rf.illFittingDentures.map { .bool($0) }), ("uncontrolled_diabetes", rf.uncontrolledDiabetes.map { .bool($0) }),
                ("tobacco_use", rf.tobaccoUse.map { .bool($0) }),
            ])))
        }
        if let v = c.familyHistory {
            top.append(("family_history", .array(v.map { f in
                object([("relation", f.relation.map { .string($0) }), ("condition", f.condition.map { .string($0) }), ("age_at_diagnosis", f.ageAtDiagnosis.map { .int($0) })])
            })))
        }
        if let v = c.predispositions { top.append(("predispositions", .array(v.map { .string($0.rawValue) }))) }
        if let v = c.fitForSurgery { top.append(("fit_for_surgery", .bool(v))) }
        if let v = c.expectedSurvivalWeeks { top.append(("expected_survival_weeks", .double(v))) }
        if let v = c.careSetting { top.append(("care_setting", .string(v.rawValue))) }
        if let v = c.followUp { top.append(("follow_up_visits", .array(v.visits.map { .string($0.description) }))) }
        return .object(top)
    }

    static func object(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    static func patient(_ p: Patient) -> JSONValue {
        object([("birth_date", p.birthDate.map { .string($0.description) }), ("age_years", p.birthDate == nil ? p.ageYears.map { .int($0) } : nil),
                ("age_as_of", p.birthDate == nil ? p.ageAsOf.map { .string($0.description) } : nil),
                ("sex", p.sex.map { .string($0.rawValue) }), ("weight_kg", p.weightKg.map { .double($0) }),
                ("weight_kind", p.weightKind.map { .string($0.rawValue) }), ("deceased_on", p.deceasedOn.map { .string($0.description) })])
    }

    static func cancer(_ k: Cancer) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("primary_site", k.primarySite.map { .string($0.rawValue) }), ("histology", k.histology.map { .string($0) }),
            ("lung_type", k.lungType.map { .string($0.rawValue) }), ("hormone_status", k.hormoneStatus.map { .string($0.rawValue) }),
            ("targeted_therapy", k.targetedTherapy.map { .bool($0) }), ("stage", k.stage.map { .string($0) }), ("t_category", k.tCategory.map { .string($0) }),
            ("psa_ng_ml", k.psa.map { .double($0) }), ("gleason", k.gleason.map { .int($0) }), ("diagnosis_date", k.diagnosisDate.map { .string($0.description) }),
            ("tomita_growth_group", k.tomitaGrowthGroup.map { .string($0.rawValue) }),
            ("katagiri_growth_group", k.katagiriGrowthGroup.map { .string($0.rawValue) }),
            ("radiosensitivity", k.radiosensitivity.map { .string($0.rawValue) }),
            ("end_of_treatment_date", k.endOfTreatmentDate.map { .string($0.description) }),
            ("clinical_status", k.clinicalStatus.map { .string($0.rawValue) }),
        ]
        if let s = k.staging {
            pairs.append(("staging", object([
                ("site_group", s.siteGroup.map { .string($0.rawValue) }), ("greatest_dimension_cm", s.greatestDimensionCm.map { .double($0) }),
                ("discontinuous_tumor_in_primary_bone", s.discontinuous.map { .bool($0) }), ("grade", s.grade.map { .string($0.rawValue) }),
                ("regional_nodes", s.regionalNodes.map { .string($0.rawValue) }), ("distant_metastases", s.distantMetastases.map { .string($0.rawValue) }),
                ("compartment", s.compartment.map { .string($0.rawValue) }), ("segments_involved", s.segmentsInvolved.map { .int($0) }),
                ("non_adjacent_segments", s.nonAdjacentSegments.map { .bool($0) }), ("spinal_canal_extension", s.spinalCanalExtension.map { .bool($0) }),
                ("great_vessel_extension", s.greatVesselExtension.map { .bool($0) }), ("pelvic_segments", s.pelvicSegments.map { .int($0) }),
                ("extraosseous_extension", s.extraosseousExtension.map { .bool($0) }),
                ("crosses_sacroiliac_joint_to_neuroforamen", s.crossesSacroiliacJoint.map { .bool($0) }),
                ("encases_external_iliac_vessels_or_tumor_thrombus", s.encasesVessels.map { .bool($0) }),
                ("percent_necrosis", s.percentNecrosis.map { .double($0) }),
            ])))
        }
        return object(pairs)
    }

    public static func lesion(_ l: Lesion) -> JSONValue {
        // One pain field in the format: the spinal reading for spinal lesions, else the limb one.
        let pain: String? = l.isSpinal ? l.spinePain?.rawValue : (l.limbPain?.rawValue ?? (l.spinePain == .painFree ? "none" : nil))
        return object([
            ("id", .string(l.id)), ("bone", l.bone.map { .string($0.rawValue) }), ("region", l.region.map { .string($0.rawValue) }),
            ("side", l.side.map { .string($0) }), ("level", l.level.map { .string($0) }), ("origin", l.origin.map { .string($0.rawValue) }),
            ("phenotype", l.phenotype.map { .string($0.rawValue) }), ("size_fraction", l.sizeFraction.map { .double($0) }),
            ("size", l.mirelsSize.map { .string($0.rawValue) }), ("mirels_site", l.mirelsSite.map { .string($0.rawValue) }), ("pain", pain.map { .string($0) }),
            ("fracture", l.fracture.map { .string($0.rawValue) }), ("posterolateral_involvement", l.posterolateral.map { .string($0.rawValue) }),
            ("vertebral_body_collapse", l.collapse.map { .string($0.rawValue) }), ("alignment", l.alignment.map { .string($0.rawValue) }),
            ("escc_grade", l.escc.map { .string($0.rawValue) }), ("lodwick_grade", l.lodwick.map { .string($0.rawValue) }),
            ("expansile", l.expansile.map { .bool($0) }), ("detected_date", l.detectedDate.map { .string($0.description) }),
        ])
    }

    public static func medication(_ m: Medication) -> JSONValue {
        object([("name", m.name.map { .string($0) }), ("class", m.medicationClass.map { .string($0.rawValue) }), ("agent", m.agent.map { .string($0.rawValue) }),
                ("status", m.status.map { .string($0.rawValue) }), ("indication", m.indication.map { .string($0.rawValue) }), ("start_date", m.startDate.map { .string($0.description) }),
                ("last_dose_date", m.lastDoseDate.map { .string($0.description) }),
                ("dose_dates", m.doseDates.map { JSONValue.array($0.map { .string($0.description) }) }), ("interval", m.interval.map { .string($0.rawValue) }),
                ("dose_mg", m.doseMg.map { .double($0) })])
    }
}
