//! Panther's permission ids and the labels its console shows for them.
//!
//! The API speaks in ids (`UserRead`); people know the console's labels
//! (Read User Info). Errors name both, so a user can find the checkbox to
//! tick. The ids are the 29 of the published `openapi.yaml`; Panther adds
//! more over time, which is why the rest of the client keeps permissions as
//! plain strings and [`label`] answers `None` for an id it does not know.

/// Every permission id in the published REST spec, in its order.
pub const ALL: &[&str] = &[
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

/// The console label of a permission id, or `None` for an id this version
/// of the provider does not know.
///
/// NOTE: the labels of `DestinationRead`, `DestinationModify`,
/// `GeneralSettingsModify`, `LogSourceRawDataRead`, `LookupRead`,
/// `LookupModify`, `ResourceRead` and `ResourceModify` could not be checked
/// against Panther's published documentation; they follow the console's
/// "View ..." / "Manage ..." pattern. The others are the documented labels.
pub fn label(permission_id: &str) -> Option<&'static str> {
    let label = match permission_id {
        "AlertModify" => "Manage Alerts",
        "AlertRead" => "Read Alerts",
        "BulkUpload" => "Bulk Upload",
        "BulkUploadValidate" => "Bulk Upload Validate",
        "CloudsecSourceModify" => "Manage Cloud Security Sources",
        "CloudsecSourceRead" => "View Cloud Security Sources",
        "DataAnalyticsModify" => "Manage Saved Searches",
        "DataAnalyticsRead" => "Query Data Lake",
        "DestinationModify" => "Manage Destinations",
        "DestinationRead" => "View Destinations",
        "GeneralSettingsModify" => "Manage Panther Settings",
        "GeneralSettingsRead" => "Read Panther Settings Info",
        "LogSourceModify" => "Manage Log Sources",
        "LogSourceRawDataRead" => "View Log Source Raw Data",
        "LogSourceRead" => "View Log Sources",
        "LookupModify" => "Manage Lookup Tables",
        "LookupRead" => "View Lookup Tables",
        "OrganizationAPITokenModify" => "Manage API Tokens",
        "OrganizationAPITokenRead" => "Read API Token Info",
        "PolicyModify" => "Manage Policies",
        "PolicyRead" => "View Policies",
        "ResourceModify" => "Manage Resources",
        "ResourceRead" => "View Resources",
        "RuleModify" => "Manage Rules",
        "RuleRead" => "View Rules",
        "RunPantherAI" => "Run Panther AI",
        "SummaryRead" => "Read Panther Metrics",
        "UserModify" => "Manage Users",
        "UserRead" => "Read User Info",
        _ => return None,
    };
    Some(label)
}

/// Whether the id is one of [`ALL`].
pub fn is_known(permission_id: &str) -> bool {
    ALL.contains(&permission_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_id_has_a_label_and_nothing_else_does() {
        assert_eq!(ALL.len(), 29);
        for id in ALL {
            assert!(label(id).is_some(), "{id} has no label");
            assert!(is_known(id));
        }
        assert_eq!(label("SomeFuturePermission"), None);
        assert!(!is_known("userread"));
    }

    #[test]
    fn the_integration_permissions_use_the_documented_labels() {
        assert_eq!(label("UserRead"), Some("Read User Info"));
        assert_eq!(
            label("GeneralSettingsRead"),
            Some("Read Panther Settings Info")
        );
        assert_eq!(
            label("OrganizationAPITokenRead"),
            Some("Read API Token Info")
        );
        assert_eq!(
            label("OrganizationAPITokenModify"),
            Some("Manage API Tokens")
        );
        assert_eq!(label("UserModify"), Some("Manage Users"));
    }
}
