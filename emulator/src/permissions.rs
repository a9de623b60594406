//! Permission ids and log-type access kinds that the emulator accepts.
//!
//! Both lists come from the enums in `openapi.yaml`. Panther adds
//! permissions over time; a newer id is added here when the file grows.

use anyhow::bail;

/// What reading users and roles needs.
pub const USER_READ: &str = "UserRead";
/// What reading `generalSettings` needs.
pub const GENERAL_SETTINGS_READ: &str = "GeneralSettingsRead";
/// What every `GET /api-tokens...` needs.
pub const TOKEN_READ: &str = "OrganizationAPITokenRead";
/// What creating, changing, rotating or deleting tokens needs.
pub const TOKEN_MODIFY: &str = "OrganizationAPITokenModify";

/// Every permission id `openapi.yaml` declares.
pub const KNOWN: [&str; 29] = [
    "AlertModify",
    "AlertRead",
    "BulkUpload",
    "BulkUploadValidate",
    "CloudsecSourceModify",
    "CloudsecSourceRead",
    "DataAnalyticsModify",
    "DataAnalyticsRead",
    "DestinationModify",
    "DestinationRead",
    "GeneralSettingsModify",
    "GeneralSettingsRead",
    "LogSourceModify",
    "LogSourceRawDataRead",
    "LogSourceRead",
    "LookupModify",
    "LookupRead",
    "OrganizationAPITokenModify",
    "OrganizationAPITokenRead",
    "PolicyModify",
    "PolicyRead",
    "ResourceModify",
    "ResourceRead",
    "RuleModify",
    "RuleRead",
    "RunPantherAI",
    "SummaryRead",
    "UserModify",
    "UserRead",
];

/// The values of `logTypeAccessKind`.
pub const ACCESS_KINDS: [&str; 4] = ["ALLOW", "ALLOW_ALL", "DENY", "DENY_ALL"];

/// Fails on the first permission id Panther would not know.
pub fn check_all(permissions: &[String]) -> anyhow::Result<()> {
    for permission in permissions {
        if !KNOWN.contains(&permission.as_str()) {
            bail!("unknown permission {permission:?}");
        }
    }
    Ok(())
}

/// Fails unless `kind` is one of [`ACCESS_KINDS`].
pub fn check_access_kind(kind: &str) -> anyhow::Result<()> {
    if !ACCESS_KINDS.contains(&kind) {
        bail!("unknown logTypeAccessKind {kind:?}");
    }
    Ok(())
}

/// Whether a kind grants or denies every log type, so lists are omitted.
pub fn covers_all_log_types(kind: &str) -> bool {
    kind.ends_with("_ALL")
}
