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
