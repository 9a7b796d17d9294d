//! Loads the fictional demo families (`seeds/demo/families.json`) through the same intake
//! service caseworkers use, so the demo data obeys every validation rule.

use crate::db::repo::{facilities, families, OrgScope};
use crate::db::DbConnection;
use crate::domain::partial_date::PartialDate;
use crate::domain::person::KinshipKind;
use crate::domain::records::{ClaimInput, CustodyInput, NameInput, PersonInput};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::registry::families::{intake, FamilyIntake, IntakeKinship, PersonIntake};
use serde::Deserialize;

const DEMO_FAMILIES: &str = include_str!("../../seeds/demo/families.json");

#[derive(Deserialize)]
struct DemoFamily {
    label: String,
    #[serde(default)]
    notes: String,
    members: Vec<DemoMember>,
    #[serde(default)]
    kinship: Vec<DemoKinship>,
}

#[derive(Deserialize)]
struct DemoMember {
    key: String,
    #[serde(flatten)]
    core: PersonInput,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    other_names: Vec<NameInput>,
    #[serde(default)]
    nationalities: Vec<ClaimInput>,
    #[serde(default)]
    custody: Vec<DemoCustody>,
}

#[derive(Deserialize)]
struct DemoCustody {
    kind: crate::domain::custody::CustodyKind,
    facility: Option<String>,
    date: PartialDate,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct DemoKinship {
    person: String,
    kind: KinshipKind,
    relative: String,
}

/// Loads the demo families into the scope's organisation unless it already has families.
/// Returns how many families were added.
pub fn load(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope) -> AppResult<usize> {
    if families::any(conn, scope)? {
        return Ok(0);
    }
    let families: Vec<DemoFamily> = serde_json::from_str(DEMO_FAMILIES)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("seeds/demo/families.json is malformed: {e}")))?;
    let facility_ids: std::collections::HashMap<String, String> =
        facilities::list(conn)?.into_iter().map(|f| (f.name, f.id.to_string())).collect();
    let ctx = ctx.within(scope);
    let count = families.len();
    for f in families {
        let keys: Vec<String> = f.members.iter().map(|m| m.key.clone()).collect();
        let position = |key: &str| {
            keys.iter()
                .position(|k| k == key)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo kinship names unknown member {key}")))
        };
        let kinship = f
            .kinship
            .iter()
            .map(|k| Ok(IntakeKinship { person: position(&k.person)?, kind: k.kind, relative: position(&k.relative)? }))
            .collect::<AppResult<Vec<_>>>()?;
        let members = f
            .members
            .into_iter()
            .map(|m| {
                let mut core = m.core;
                core.unaccompanied_minor = m.flags.iter().any(|x| x == "unaccompanied_minor");
                core.orphan = m.flags.iter().any(|x| x == "orphan");
                core.medical_need = m.flags.iter().any(|x| x == "medical_need");
                core.disability = m.flags.iter().any(|x| x == "disability");
                let custody = m
                    .custody
                    .into_iter()
                    .map(|c| CustodyInput {
                        kind: c.kind,
                        facility_id: c.facility.and_then(|name| facility_ids.get(&name).cloned()),
                        date: c.date.into(),
                        note: c.note,
                    })
                    .collect();
                PersonIntake { core, other_names: m.other_names, nationalities: m.nationalities, custody }
            })
            .collect();
        intake(conn, &ctx, scope, FamilyIntake { label: f.label, notes: f.notes, members, kinship })?;
    }
    Ok(count)
}
