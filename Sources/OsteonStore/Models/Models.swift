import FluentKit
import Foundation

// Fluent models: one table each. Clinical detail that the rules read is kept
// in the native case format (schemas/case.schema.json) in `data`/`document`
// columns, so the store and `osteon assess` read one format; the columns
// beside it are what lists, searches and joins need.

public final class UserRecord: Model, @unchecked Sendable {
    public static let schema = "users"
    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    /// administrator, clinician, nurse_navigator, patient or quality.
    @Field(key: "role") public var role: String
    @OptionalField(key: "specialty") public var specialty: String?
    /// For a patient account: the patient it may see.
    @OptionalField(key: "patient_id") public var patientID: UUID?
    @Field(key: "active") public var active: Bool
    @Field(key: "failed_logins") public var failedLogins: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(username: String, displayName: String, passwordHash: String, role: String, specialty: String? = nil) {
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
        self.specialty = specialty
        active = true
        failedLogins = 0
    }
}

public final class PatientRecord: Model, @unchecked Sendable {
    public static let schema = "patients"
    @ID(key: .id) public var id: UUID?
    /// Hospital number or FHIR Patient.id; unique.
    @Field(key: "external_id") public var externalID: String
    @Field(key: "name") public var name: String
    @OptionalField(key: "birth_date") public var birthDate: String?
    @OptionalField(key: "sex") public var sex: String?
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @Children(for: \.$patient) public var cases: [CaseRecord]

    public init() {}
    public init(externalID: String, name: String, birthDate: String?, sex: String?) {
        self.externalID = externalID
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        version = 1
    }
}

/// The board's case for a patient, with its state on the board and the
/// case facts that are not kept in their own tables.
public final class CaseRecord: Model, @unchecked Sendable {
    public static let schema = "cases"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: PatientRecord
    /// referred, work_up, ready_for_board, discussed, follow_up.
    @Field(key: "state") public var state: String
    /// JSON object in the case format: cancers, other_metastases, performance_status, …
    @Field(key: "document") public var document: String
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
    public init(patientID: UUID, state: String = "referred", document: String = "{}") {
        $patient.id = patientID
        self.state = state
        self.document = document
        version = 1
    }
}

/// A bone lesion; `data` is the lesion object of the case format.
public final class LesionRecord: Model, @unchecked Sendable {
    public static let schema = "lesions"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "label") public var label: String
    @OptionalField(key: "bone") public var bone: String?
    @OptionalField(key: "level") public var level: String?
    @Field(key: "data") public var data: String
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
    public init(caseID: UUID, label: String, bone: String?, level: String?, data: String) {
        $caseRecord.id = caseID
        self.label = label
        self.bone = bone
        self.level = level
        self.data = data
        version = 1
    }
}

public final class LabRecord: Model, @unchecked Sendable {
    public static let schema = "labs"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "test") public var test: String
    @Field(key: "value") public var value: Double
    @Field(key: "unit") public var unit: String
    @OptionalField(key: "date") public var date: String?
    @OptionalField(key: "reference_low") public var referenceLow: Double?
    @OptionalField(key: "reference_high") public var referenceHigh: Double?
    @OptionalField(key: "interpretation") public var interpretation: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(caseID: UUID, test: String, value: Double, unit: String, date: String?,
                referenceLow: Double? = nil, referenceHigh: Double? = nil, interpretation: String? = nil) {
        $caseRecord.id = caseID
        self.test = test
        self.value = value
        self.unit = unit
        self.date = date
        self.referenceLow = referenceLow
        self.referenceHigh = referenceHigh
        self.interpretation = interpretation
    }
}

public final class MedicationRecord: Model, @unchecked Sendable {
    public static let schema = "medications"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "name") public var name: String
    @OptionalField(key: "status") public var status: String?
    @Field(key: "data") public var data: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(caseID: UUID, name: String, status: String?, data: String) {
        $caseRecord.id = caseID
        self.name = name
        self.status = status
        self.data = data
    }
}

/// One dose of a medicine given, one row per administration (the persistence measure reads the gaps between them).
/// `case_id` leads to the patient, as on every clinical row (revision triggers, reads by case).
public final class MedicationDoseRecord: Model, @unchecked Sendable {
    public static let schema = "medication_doses"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "medication_id") public var medication: MedicationRecord
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "given_on") public var givenOn: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(medicationID: UUID, caseID: UUID, givenOn: String) {
        $medication.id = medicationID
        self.caseID = caseID
        self.givenOn = givenOn
    }
}

/// Radiotherapy courses and operations; `kind` is radiotherapy or surgery.
public final class ProcedureRecord: Model, @unchecked Sendable {
    public static let schema = "procedures"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "date") public var date: String?
    @Field(key: "data") public var data: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(caseID: UUID, kind: String, date: String?, data: String) {
        $caseRecord.id = caseID
        self.kind = kind
        self.date = date
        self.data = data
    }
}

/// An imaging study and its read (the radiologist's report).
public final class ImagingRecord: Model, @unchecked Sendable {
    public static let schema = "imaging_studies"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "modality") public var modality: String
    @OptionalField(key: "region") public var region: String?
    @OptionalField(key: "date") public var date: String?
    @OptionalField(key: "report") public var report: String?
    @OptionalField(key: "read_by") public var readBy: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(caseID: UUID, modality: String, region: String?, date: String?, report: String?, readBy: String?) {
        $caseRecord.id = caseID
        self.modality = modality
        self.region = region
        self.date = date
        self.report = report
        self.readBy = readBy
    }
}

public final class MeetingRecord: Model, @unchecked Sendable {
    public static let schema = "board_meetings"
    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "scheduled_on") public var scheduledOn: String
    @OptionalField(key: "location") public var location: String?
    @Field(key: "status") public var status: String
    /// The account that created the meeting: the only one who adds members (nil for meetings made before M0011).
    @OptionalField(key: "created_by") public var createdBy: UUID?
    /// JSON list of groups of specialties: an opinion from one of each group is required before sign-off (M0012).
    @OptionalField(key: "required_specialties") public var requiredSpecialties: String?
    /// Who to call, printed in the patient guides of this meeting's patients (M0012).
    @OptionalField(key: "contact") public var contact: String?
    /// Imaging older than this many days before the meeting is flagged as not ready (M0012; nil: 30).
    @OptionalField(key: "imaging_max_age_days") public var imagingMaxAgeDays: Int?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Children(for: \.$meeting) public var agenda: [AgendaItemRecord]

    public init() {}
    public init(title: String, scheduledOn: String, location: String?) {
        self.title = title
        self.scheduledOn = scheduledOn
        self.location = location
        status = "scheduled"
    }
}

public final class AgendaItemRecord: Model, @unchecked Sendable {
    public static let schema = "agenda_items"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "meeting_id") public var meeting: MeetingRecord
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @Field(key: "position") public var position: Int
    @Field(key: "question") public var question: String
    /// For an emergency put on a later meeting: how it is being handled outside the board (M0012).
    @OptionalField(key: "emergency_note") public var emergencyNote: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(meetingID: UUID, caseID: UUID, position: Int, question: String) {
        $meeting.id = meetingID
        $caseRecord.id = caseID
        self.position = position
        self.question = question
    }
}

public final class OpinionRecord: Model, @unchecked Sendable {
    public static let schema = "specialty_opinions"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "agenda_item_id") public var item: AgendaItemRecord
    /// radiology, orthopaedic_oncology, radiation_oncology, medical_oncology, pathology, nursing.
    @Field(key: "specialty") public var specialty: String
    @Field(key: "author") public var author: String
    @Field(key: "text") public var text: String
    /// Whose opinion it is (the specialty is that account's) and, when recorded for an absent colleague, who typed it (M0012).
    @OptionalField(key: "author_user_id") public var authorUserID: UUID?
    @OptionalField(key: "recorded_by") public var recordedBy: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(itemID: UUID, specialty: String, author: String, text: String) {
        $item.id = itemID
        self.specialty = specialty
        self.author = author
        self.text = text
    }
}

public final class DecisionRecord: Model, @unchecked Sendable {
    public static let schema = "decisions"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "agenda_item_id") public var item: AgendaItemRecord
    @Field(key: "consensus") public var consensus: String
    @Field(key: "recorded_by") public var recordedBy: String
    @OptionalField(key: "signed_off_by") public var signedOffBy: String?
    @OptionalField(key: "signed_off_at") public var signedOffAt: Date?
    @Field(key: "version") public var version: Int
    /// The structured plan (JSON: radiotherapy, scans, surgery, bone medicine) the guide describes (M0012).
    @OptionalField(key: "plan") public var plan: String?
    /// Why the chair signed off without every required opinion (M0012).
    @OptionalField(key: "missing_opinions_reason") public var missingOpinionsReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(itemID: UUID, consensus: String, recordedBy: String) {
        $item.id = itemID
        self.consensus = consensus
        self.recordedBy = recordedBy
        version = 1
    }
}

public final class TaskRecord: Model, @unchecked Sendable {
    public static let schema = "care_plan_tasks"
    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var caseRecord: CaseRecord
    @OptionalParent(key: "decision_id") public var decision: DecisionRecord?
    @Field(key: "title") public var title: String
    @Field(key: "owner") public var owner: String
    /// The named person who owns the task (M0012); `owner` keeps the name as shown.
    @OptionalField(key: "owner_user_id") public var ownerUserID: UUID?
    @OptionalField(key: "due_on") public var dueOn: String?
    /// open or done.
    @Field(key: "status") public var status: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(caseID: UUID, decisionID: UUID?, title: String, owner: String, dueOn: String?) {
        $caseRecord.id = caseID
        $decision.id = decisionID
        self.title = title
        self.owner = owner
        self.dueOn = dueOn
        status = "open"
    }
}

/// Append-only audit trail; each entry carries the hash of the one before.
public final class AuditRecord: Model, @unchecked Sendable {
    public static let schema = "audit_log"
    @ID(key: .id) public var id: UUID?
    @Field(key: "sequence") public var sequence: Int
    @Field(key: "at") public var at: Date
    @Field(key: "actor") public var actor: String
    @Field(key: "role") public var role: String
    @OptionalField(key: "patient_id") public var patientID: UUID?
    @Field(key: "action") public var action: String
    @Field(key: "object") public var object: String
    @Field(key: "request_id") public var requestID: String
    @Field(key: "outcome") public var outcome: String
    @Field(key: "previous_hash") public var previousHash: String
    @Field(key: "hash") public var hash: String
    /// "break_glass" when access came from an emergency override (M0008).
    @OptionalField(key: "flag") public var flag: String?

    public init() {}
}

/// Who may see a patient: their care team, and (kind break_glass) those who
/// gave a reason for emergency access, for a limited time.
public final class CareTeamRecord: Model, @unchecked Sendable {
    public static let schema = "care_team_members"
    @ID(key: .id) public var id: UUID?
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "user_id") public var userID: UUID
    /// member or break_glass.
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "reason") public var reason: String?
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @Field(key: "added_by") public var addedBy: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(patientID: UUID, userID: UUID, kind: String, reason: String?, expiresAt: Date?, addedBy: String) {
        self.patientID = patientID
        self.userID = userID
        self.kind = kind
        self.reason = reason
        self.expiresAt = expiresAt
        self.addedBy = addedBy
    }
}

/// The members of a board meeting see the patients on its agenda.
public final class MeetingMemberRecord: Model, @unchecked Sendable {
    public static let schema = "meeting_members"
    @ID(key: .id) public var id: UUID?
    @Field(key: "meeting_id") public var meetingID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(meetingID: UUID, userID: UUID) {
        self.meetingID = meetingID
        self.userID = userID
    }
}

/// The board's decision as it stood at sign-off: facts, assessment, opinions,
/// consensus, plan, tasks and attendance, frozen. Never updated or deleted
/// (database triggers); its SHA-256 is also written to the audit log.
public final class DecisionSnapshotRecord: Model, @unchecked Sendable {
    public static let schema = "decision_snapshots"
    @ID(key: .id) public var id: UUID?
    @Field(key: "agenda_item_id") public var itemID: UUID
    @Field(key: "decision_id") public var decisionID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "signed_by") public var signedBy: String
    @Field(key: "signed_by_name") public var signedByName: String
    @Field(key: "signed_at") public var signedAt: Date
    @Field(key: "document") public var document: String
    @Field(key: "sha256") public var sha256: String

    public init() {}
}

/// A correction to a signed decision: author, reason, time; never an edit.
public final class DecisionAddendumRecord: Model, @unchecked Sendable {
    public static let schema = "decision_addenda"
    @ID(key: .id) public var id: UUID?
    @Field(key: "snapshot_id") public var snapshotID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "author") public var author: String
    @Field(key: "author_name") public var authorName: String
    @Field(key: "reason") public var reason: String
    @Field(key: "text") public var text: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// Who attended a meeting.
public final class AttendanceRecord: Model, @unchecked Sendable {
    public static let schema = "meeting_attendance"
    @ID(key: .id) public var id: UUID?
    @Field(key: "meeting_id") public var meetingID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "recorded_by") public var recordedBy: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
    public init(meetingID: UUID, userID: UUID, recordedBy: String) {
        self.meetingID = meetingID
        self.userID = userID
        self.recordedBy = recordedBy
    }
}
