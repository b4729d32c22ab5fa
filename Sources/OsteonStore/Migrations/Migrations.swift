import FluentKit
import SQLKit

/// Every schema step, in order. Never edit a step that has shipped: add one.
public enum OsteonMigrations {
    public static let all: [any Migration] = [
        M0001CreateUsers(),          // accounts and roles
        M0002CreatePatients(),       // patients (PHI: name, birth date)
        M0003CreateCases(),          // one board case per patient, with its state
        M0004CreateLesions(),        // bone lesions
        M0005CreateClinicalRecords(), // labs, medications, procedures, imaging studies and reads
        M0006CreateBoard(),          // meetings, agenda, opinions, decisions, care-plan tasks
        M0007CreateAuditLog(),       // hash-chained audit trail
        M0008AccessAndAudit(),       // care teams, meeting members, break-glass flag, append-only audit
        M0009PatientRevision(),      // a revision per patient, bumped by the database on any change to the patient's records
        M0010LabReferenceRange(),    // a lab's own reference range and flag (hypocalcaemia limit, normal creatinine baseline)
        M0011MeetingCreator(),       // who created a board meeting (only they add members)
        M0012BoardRecord(),          // frozen sign-off snapshots and addenda, named opinions and task owners, attendance, meeting settings
        M0013PatientSummaries(),     // what the lists show per patient, stamped with its revision and day (lists independent of cohort size)
        M0014RecordIndexes(),        // a patient's rows found by index, not by scanning every patient's (the summary pass reads them all)
        M0015SearchTerms(),          // search by the start of a word of the name or hospital number, from an index
        M0016SummaryOutcomes(),      // each patient's outcome facts beside the summary (the quality dashboard reads no records)
        M0017OutcomeMeasureFacts(),  // the stored outcome facts gain the dental evaluations and dose dates (every row recomputed)
        M0018OutcomeTreatmentFacts(), // and the radiotherapy courses and suspected cord compression (every row recomputed)
        M0019MedicationDoses(),      // every dose given, one row each (a course kept only its start and latest dose)
        M0020PatientIdentifierKey(), // a hospital number found by index whatever its case (an import looked up each one by scanning every patient)
    ]
}

struct M0001CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(UserRecord.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("specialty", .string)
            .field("patient_id", .uuid)
            .field("active", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("created_at", .datetime)
            .unique(on: "username")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(UserRecord.schema).delete() }
}

struct M0002CreatePatients: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PatientRecord.schema)
            .id()
            .field("external_id", .string, .required)
            .field("name", .string, .required)
            .field("birth_date", .string)
            .field("sex", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "external_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(PatientRecord.schema).delete() }
}

struct M0003CreateCases: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CaseRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, .id, onDelete: .cascade))
            .field("state", .string, .required)
            .field("document", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(CaseRecord.schema).delete() }
}

struct M0004CreateLesions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LesionRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("label", .string, .required)
            .field("bone", .string)
            .field("level", .string)
            .field("data", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(LesionRecord.schema).delete() }
}

struct M0005CreateClinicalRecords: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LabRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("test", .string, .required)
            .field("value", .double, .required)
            .field("unit", .string, .required)
            .field("date", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema(MedicationRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("status", .string)
            .field("data", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(ProcedureRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("date", .string)
            .field("data", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(ImagingRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("modality", .string, .required)
            .field("region", .string)
            .field("date", .string)
            .field("report", .string)
            .field("read_by", .string)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        for schema in [ImagingRecord.schema, ProcedureRecord.schema, MedicationRecord.schema, LabRecord.schema] {
            try await db.schema(schema).delete()
        }
    }
}

struct M0006CreateBoard: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MeetingRecord.schema)
            .id()
            .field("title", .string, .required)
            .field("scheduled_on", .string, .required)
            .field("location", .string)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(AgendaItemRecord.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(MeetingRecord.schema, .id, onDelete: .cascade))
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("question", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(OpinionRecord.schema)
            .id()
            .field("agenda_item_id", .uuid, .required, .references(AgendaItemRecord.schema, .id, onDelete: .cascade))
            .field("specialty", .string, .required)
            .field("author", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(DecisionRecord.schema)
            .id()
            .field("agenda_item_id", .uuid, .required, .references(AgendaItemRecord.schema, .id, onDelete: .cascade))
            .field("consensus", .string, .required)
            .field("recorded_by", .string, .required)
            .field("signed_off_by", .string)
            .field("signed_off_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(TaskRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("decision_id", .uuid, .references(DecisionRecord.schema, .id, onDelete: .setNull))
            .field("title", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        for schema in [TaskRecord.schema, DecisionRecord.schema, OpinionRecord.schema, AgendaItemRecord.schema, MeetingRecord.schema] {
            try await db.schema(schema).delete()
        }
    }
}

struct M0007CreateAuditLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditRecord.schema)
            .id()
            .field("sequence", .int, .required)
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("role", .string, .required)
            .field("patient_id", .uuid)
            .field("action", .string, .required)
            .field("object", .string, .required)
            .field("request_id", .string, .required)
            .field("outcome", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(AuditRecord.schema).delete() }
}

struct M0008AccessAndAudit: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CareTeamRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserRecord.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("reason", .string)
            .field("expires_at", .datetime)
            .field("added_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema(MeetingMemberRecord.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(MeetingRecord.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserRecord.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "meeting_id", "user_id")
            .create()
        try await db.schema(AuditRecord.schema).field("flag", .string).update()
        guard let sql = db as? any SQLDatabase else { return }
        // The database itself refuses to change or remove an audit entry.
        if sql.dialect.name == "sqlite" {
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_log_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()").run()
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            if sql.dialect.name == "sqlite" {
                try await sql.raw("DROP TRIGGER IF EXISTS audit_log_no_update").run()
                try await sql.raw("DROP TRIGGER IF EXISTS audit_log_no_delete").run()
            } else {
                try await sql.raw("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log").run()
                try await sql.raw("DROP FUNCTION IF EXISTS audit_log_append_only()").run()
            }
        }
        try await db.schema(AuditRecord.schema).deleteField("flag").update()
        try await db.schema(MeetingMemberRecord.schema).delete()
        try await db.schema(CareTeamRecord.schema).delete()
    }
}

/// `patients.revision` changes whenever anything about the patient changes: the
/// database bumps it in the same transaction as the change, so every writer
/// (this server, the CLI, another server on the same PostgreSQL) keeps it
/// true, and a page rendered for a revision can be reused until it moves.
struct M0009PatientRevision: AsyncMigration {
    /// Table → the column that leads to the patient.
    static let linked: [(table: String, via: String)] = [
        ("cases", "patient_id"), ("care_team_members", "patient_id"),
        ("lesions", "case_id"), ("labs", "case_id"), ("medications", "case_id"), ("procedures", "case_id"),
        ("imaging_studies", "case_id"), ("agenda_items", "case_id"), ("care_plan_tasks", "case_id"),
    ]
    /// Patient and user columns the patient's page shows (the care team lists names, roles and specialties).
    static let patientColumns = "external_id, name, birth_date, sex, version"
    static let userColumns = "display_name, role, specialty"

    /// The triggers that bump the revision of the patient a row of `table` leads to
    /// (`via`: patient_id, or case_id through cases). Later migrations add their tables the same way.
    static func createTouchTriggers(_ sql: any SQLDatabase, table: String, via: String) async throws {
        if sql.dialect.name == "sqlite" {
            func patients(_ row: String) -> String {
                via == "patient_id" ? "SELECT \(row).patient_id" : "SELECT patient_id FROM cases WHERE id = \(row).case_id"
            }
            for (op, rows) in [("INSERT", patients("NEW")), ("UPDATE", patients("OLD") + " UNION " + patients("NEW")), ("DELETE", patients("OLD"))] {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_touch_\(unsafeRaw: op.lowercased()) AFTER \(unsafeRaw: op) ON \(unsafeRaw: table)
                    BEGIN UPDATE patients SET revision = revision + 1 WHERE id IN (\(unsafeRaw: rows)); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_touch AFTER INSERT OR UPDATE OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION osteon_touch_patient('\(unsafeRaw: via)')
                """).run()
        }
    }

    static func dropTouchTriggers(_ sql: any SQLDatabase, table: String) async throws {
        if sql.dialect.name == "sqlite" {
            for op in ["insert", "update", "delete"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_touch_\(unsafeRaw: op)").run() }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_touch ON \(unsafeRaw: table)").run()
        }
    }

    func prepare(on db: any Database) async throws {
        try await db.schema(PatientRecord.schema).field("revision", .int64, .required, .sql(.default(0))).update()
        guard let sql = db as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            func bump(_ rows: String) -> String { "UPDATE patients SET revision = revision + 1 WHERE id IN (\(rows));" }
            for (table, via) in Self.linked { try await Self.createTouchTriggers(sql, table: table, via: via) }
            // Only the listed columns: the trigger's own update (revision) does not fire it again.
            try await sql.raw("""
                CREATE TRIGGER patients_touch_update AFTER UPDATE OF \(unsafeRaw: Self.patientColumns) ON patients
                BEGIN \(unsafeRaw: bump("SELECT NEW.id")) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER users_touch_update AFTER UPDATE OF \(unsafeRaw: Self.userColumns) ON users
                BEGIN \(unsafeRaw: bump("SELECT patient_id FROM care_team_members WHERE user_id = NEW.id")) END
                """).run()
        } else {
            // One function for every table; the trigger's argument says how the row leads to the patient.
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION osteon_touch_patient() RETURNS trigger AS $$
                DECLARE
                  r jsonb;
                BEGIN
                  FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END] LOOP
                    CONTINUE WHEN r IS NULL;
                    IF TG_ARGV[0] = 'patient_id' THEN
                      UPDATE patients SET revision = revision + 1 WHERE id = (r->>'patient_id')::uuid;
                    ELSIF TG_ARGV[0] = 'case_id' THEN
                      UPDATE patients SET revision = revision + 1 WHERE id IN (SELECT patient_id FROM cases WHERE id = (r->>'case_id')::uuid);
                    ELSIF TG_ARGV[0] = 'self' THEN
                      UPDATE patients SET revision = revision + 1 WHERE id = (r->>'id')::uuid;
                    ELSIF TG_ARGV[0] = 'user' THEN
                      UPDATE patients SET revision = revision + 1 WHERE id IN (SELECT patient_id FROM care_team_members WHERE user_id = (r->>'id')::uuid);
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END; $$ LANGUAGE plpgsql
                """).run()
            for (table, via) in Self.linked { try await Self.createTouchTriggers(sql, table: table, via: via) }
            try await sql.raw("""
                CREATE TRIGGER patients_touch AFTER UPDATE OF \(unsafeRaw: Self.patientColumns) ON patients
                FOR EACH ROW EXECUTE FUNCTION osteon_touch_patient('self')
                """).run()
            try await sql.raw("""
                CREATE TRIGGER users_touch AFTER UPDATE OF \(unsafeRaw: Self.userColumns) ON users
                FOR EACH ROW EXECUTE FUNCTION osteon_touch_patient('user')
                """).run()
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            if sql.dialect.name == "sqlite" {
                for (table, _) in Self.linked { try await Self.dropTouchTriggers(sql, table: table) }
                try await sql.raw("DROP TRIGGER IF EXISTS patients_touch_update").run()
                try await sql.raw("DROP TRIGGER IF EXISTS users_touch_update").run()
            } else {
                for table in Self.linked.map(\.table) { try await Self.dropTouchTriggers(sql, table: table) }
                for table in ["patients", "users"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_touch ON \(unsafeRaw: table)").run()
                }
                try await sql.raw("DROP FUNCTION IF EXISTS osteon_touch_patient()").run()
            }
        }
        try await db.schema(PatientRecord.schema).deleteField("revision").update()
    }
}

struct M0010LabReferenceRange: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await db.schema(LabRecord.schema).field("reference_low", .double).update()
        try await db.schema(LabRecord.schema).field("reference_high", .double).update()
        try await db.schema(LabRecord.schema).field("interpretation", .string).update()
    }

    func revert(on db: any Database) async throws {
        for column in ["interpretation", "reference_high", "reference_low"] {
            try await db.schema(LabRecord.schema).deleteField(.key(.init(stringLiteral: column))).update()
        }
    }
}

struct M0011MeetingCreator: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MeetingRecord.schema).field("created_by", .uuid).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MeetingRecord.schema).deleteField("created_by").update()
    }
}

struct M0012BoardRecord: AsyncMigration {
    static let appendOnly = ["decision_snapshots", "decision_addenda"]

    func prepare(on db: any Database) async throws {
        try await db.schema(DecisionSnapshotRecord.schema)
            .id()
            .field("agenda_item_id", .uuid, .required, .references(AgendaItemRecord.schema, .id))
            .field("decision_id", .uuid, .required, .references(DecisionRecord.schema, .id))
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, .id))
            .field("signed_by", .string, .required)
            .field("signed_by_name", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("document", .string, .required)
            .field("sha256", .string, .required)
            .unique(on: "agenda_item_id")
            .create()
        try await db.schema(DecisionAddendumRecord.schema)
            .id()
            .field("snapshot_id", .uuid, .required, .references(DecisionSnapshotRecord.schema, .id))
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, .id))
            .field("author", .string, .required)
            .field("author_name", .string, .required)
            .field("reason", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(AttendanceRecord.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(MeetingRecord.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserRecord.schema, .id, onDelete: .cascade))
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "meeting_id", "user_id")
            .create()
        for (table, field, type) in [(MeetingRecord.schema, "required_specialties", DatabaseSchema.DataType.string), (MeetingRecord.schema, "contact", .string),
                                     (MeetingRecord.schema, "imaging_max_age_days", .int),
                                     (AgendaItemRecord.schema, "emergency_note", .string), (OpinionRecord.schema, "author_user_id", .uuid),
                                     (OpinionRecord.schema, "recorded_by", .string), (DecisionRecord.schema, "plan", .string),
                                     (DecisionRecord.schema, "missing_opinions_reason", .string), (TaskRecord.schema, "owner_user_id", .uuid)] {
            try await db.schema(table).field(FieldKey(stringLiteral: field), type).update()
        }
        guard let sql = db as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            for table in Self.appendOnly {
                for op in ["UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON \(unsafeRaw: table)
                        BEGIN SELECT RAISE(ABORT, 'a signed decision is never changed: add an addendum'); END
                        """).run()
                }
            }
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION osteon_signed_record_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'a signed decision is never changed: add an addendum'; END; $$ LANGUAGE plpgsql
                """).run()
            for table in Self.appendOnly {
                try await sql.raw("CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION osteon_signed_record_append_only()").run()
            }
        }
        for table in Self.appendOnly { try await M0009PatientRevision.createTouchTriggers(sql, table: table, via: "patient_id") }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            for table in Self.appendOnly {
                try await M0009PatientRevision.dropTouchTriggers(sql, table: table)
                if sql.dialect.name == "sqlite" {
                    for op in ["update", "delete"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_\(unsafeRaw: op)").run() }
                } else {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_append_only ON \(unsafeRaw: table)").run()
                }
            }
            if sql.dialect.name != "sqlite" { try await sql.raw("DROP FUNCTION IF EXISTS osteon_signed_record_append_only()").run() }
        }
        for (table, field) in [(TaskRecord.schema, "owner_user_id"), (DecisionRecord.schema, "missing_opinions_reason"), (DecisionRecord.schema, "plan"),
                               (OpinionRecord.schema, "recorded_by"), (OpinionRecord.schema, "author_user_id"), (AgendaItemRecord.schema, "emergency_note"),
                               (MeetingRecord.schema, "imaging_max_age_days"), (MeetingRecord.schema, "contact"), (MeetingRecord.schema, "required_specialties")] {
            try await db.schema(table).deleteField(.key(.init(stringLiteral: field))).update()
        }
        try await db.schema(AttendanceRecord.schema).delete()
        try await db.schema(DecisionAddendumRecord.schema).delete()
        try await db.schema(DecisionSnapshotRecord.schema).delete()
    }
}

struct M0019MedicationDoses: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MedicationDoseRecord.schema)
            .id()
            .field("medication_id", .uuid, .required, .references(MedicationRecord.schema, .id, onDelete: .cascade))
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("given_on", .string, .required)
            .field("created_at", .datetime)
            // One dose a day per course: a second entry of the same dose (a double click, two imports) is refused.
            .unique(on: "medication_id", "given_on")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX medication_doses_by_patient ON medication_doses (case_id, given_on)").run()
        try await M0009PatientRevision.createTouchTriggers(sql, table: MedicationDoseRecord.schema, via: "case_id")
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase { try await M0009PatientRevision.dropTouchTriggers(sql, table: MedicationDoseRecord.schema) }
        try await db.schema(MedicationDoseRecord.schema).delete()
    }
}

/// `patient(externalID:)` compares `lower(external_id)`: without this index each new patient of an import scanned the
/// whole table, so an import slowed as it grew (45 patients/s at the start of a 100,000-patient PostgreSQL import, 10 at 72,000).
struct M0020PatientIdentifierKey: AsyncMigration {
    static let index = "patients_by_identifier_key"

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: Self.index) ON patients (lower(external_id))").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: Self.index)").run()
    }
}
