import Fluent
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonStore
import Vapor

/// FHIR endpoints: a Bundle in, the assessment Bundle out.
struct FHIRController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.fhirImport, use: importBundle)
        routes.on(.fhirAssess, use: assess)
    }

    func importBundle(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard FHIRInput.isFHIR(body) else { throw Abort(.badRequest, reason: "send a FHIR Bundle or resource (resourceType missing)") }
        var importer = FHIRImporter()
        FHIRInput.add(body, to: &importer)
        var messages: [(String, String)] = []
        let patients = importer.importAll()
        // Any number outside the user's scope refuses the whole import, with the answer a
        // missing record gets: nothing is imported, nothing is confirmed.
        for p in patients {
            guard let id = PatientIdentifier.normalise(p.patientCase.patientID), let existing = try await req.cases.patient(externalID: id) else { continue }
            if try await req.access.grant(userID: req.user!.id, patientID: existing.requireID(), now: req.now) == .none {
                throw Request.outOfScopeNumber(id)
            }
        }
        for p in patients {
            guard let id = PatientIdentifier.normalise(p.patientCase.patientID) else {
                messages.append(("error", "a Patient without a usable identifier (empty, too long or with control characters): not imported"))
                continue
            }
            var p = p
            p.patientCase.patientID = id
            if try await req.cases.patient(externalID: id) != nil {
                messages.append(("warning", "Patient/\(id) already exists: not imported again"))
                continue
            }
            let record = try await req.cases.importCase(p.patientCase, name: "Patient \(id)")
            req.auditPatients([record.id!])
            try await req.access.addToCareTeam(patientID: record.id!, userID: req.user!.id, addedBy: req.user!.username)
            messages.append(("information", "Patient/\(id) imported as \(record.id!.uuidString)"))
            messages += p.warnings.map { ("warning", "Patient/\(id): \($0)") }
        }
        if messages.isEmpty { messages.append(("warning", "no patient found in the resources sent")) }
        return OperationOutcome.information(messages).response(.ok, contentType: "application/fhir+json")
    }

    func assess(req: Request) async throws -> Response {
        guard let raw = req.rawParameter(.patient) else { throw Abort(.notFound) }
        let patient: PatientRecord?
        if let id = UUID(uuidString: raw) { patient = try? await req.cases.patient(id) } else { patient = try await req.cases.patient(externalID: raw) }
        // Unknown and out of scope answer alike (403): a number cannot be confirmed.
        guard let patient, let user = req.user,
              try await req.access.grant(userID: user.id, patientID: patient.requireID(), now: req.now) != .none
        else { throw Request.outOfScopeNumber(raw) }
        try await req.requirePatientAccess(patient.id!)
        let (c, read, _) = try await req.cases.patientCase(patientID: patient.id!)
        let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        return FHIRExporter.bundle(for: a).response(.ok, contentType: "application/fhir+json")
    }
}
