//! The GraphQL types the emulator serves: a subset of Panther's
//! `schema.graphql`, with the same names, nullability and enum values.
//!
//! Only what identity governance reads is here. A test compares this
//! schema's SDL with Panther's file, so a rename here fails the build.

use std::sync::Arc;

use async_graphql::{
    Enum, InputObject, InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject,
    Value, ID,
};

use crate::fixture::{Role, User};
use crate::permissions::covers_all_log_types;

/// Declares a scalar that Panther sends as a plain JSON string.
macro_rules! string_scalar {
    ($(#[$doc:meta])* $rust:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $rust(pub String);

        #[Scalar(name = $name)]
        impl ScalarType for $rust {
            fn parse(value: Value) -> InputValueResult<Self> {
                match value {
                    Value::String(text) => Ok($rust(text)),
                    other => Err(InputValueError::expected_type(other)),
                }
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }
        }
    };
}

string_scalar!(
    /// An RFC 3339 time in UTC, as Panther's `DateTime`.
    DateTime,
    "DateTime"
);
string_scalar!(
    /// An RFC 3339 time in UTC, as Panther's `Timestamp`.
    Timestamp,
    "Timestamp"
);
string_scalar!(
    /// An email address, as Panther's `Email`.
    Email,
    "Email"
);

/// A permission id. Ids the enum does not list (`BulkUploadValidate`, or
/// newer ones) are left out of GraphQL answers, since an enum cannot
/// carry them.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Permission", rename_items = "PascalCase")]
pub enum Permission {
    AlertModify,
    AlertRead,
    BulkUpload,
    CloudsecSourceModify,
    CloudsecSourceRead,
    DataAnalyticsModify,
    DataAnalyticsRead,
    DestinationModify,
    DestinationRead,
    GeneralSettingsModify,
    GeneralSettingsRead,
    LogSourceModify,
    LogSourceRawDataRead,
    LogSourceRead,
    LookupModify,
    LookupRead,
    // Acronyms would not survive the automatic renaming.
    #[graphql(name = "OrganizationAPITokenModify")]
    OrganizationApiTokenModify,
    #[graphql(name = "OrganizationAPITokenRead")]
    OrganizationApiTokenRead,
    PolicyModify,
    PolicyRead,
    ResourceModify,
    ResourceRead,
    RuleModify,
    RuleRead,
    #[graphql(name = "RunPantherAI")]
    RunPantherAi,
    SummaryRead,
    UserModify,
    UserRead,
}

impl Permission {
    /// The enum value for a permission id, if the enum has one.
    fn from_id(id: &str) -> Option<Permission> {
        use async_graphql::resolver_utils::EnumType;
        Permission::items()
            .iter()
            .find(|item| item.name == id)
            .map(|item| item.value)
    }
}

/// Whether a role's holders may read all, some or no log types.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "LogTypeAccessKind")]
pub enum LogTypeAccessKind {
    Allow,
    AllowAll,
    Deny,
    DenyAll,
}

impl LogTypeAccessKind {
    fn from_text(text: &str) -> LogTypeAccessKind {
        match text {
            "ALLOW" => LogTypeAccessKind::Allow,
            "DENY" => LogTypeAccessKind::Deny,
            "DENY_ALL" => LogTypeAccessKind::DenyAll,
            // NOTE: the store only holds the four checked values.
            _ => LogTypeAccessKind::AllowAll,
        }
    }
}

/// Sort order for `roles`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "SortDirEnum", rename_items = "lowercase")]
pub enum SortDirEnum {
    Ascending,
    Descending,
}

/// Filters for `roles`.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "RolesInput")]
pub struct RolesInput {
    /// Only roles whose name contains this text, ignoring case.
    pub name_contains: Option<String>,
    /// By name, ascending unless told otherwise.
    pub sort_dir: Option<SortDirEnum>,
}

/// Settings of the Panther instance.
#[derive(SimpleObject)]
#[graphql(name = "GeneralSettingsConfig")]
pub struct GeneralSettingsConfig {
    /// The Panther release the instance runs.
    pub panther_version: Option<String>,
}

/// A role, as GraphQL answers it; shared, since thousands of users may
/// hold the same role in one answer.
#[derive(Clone)]
pub struct RoleObject(pub Arc<Role>);

#[Object(name = "Role")]
impl RoleObject {
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at.clone())
    }

    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Null for the kinds that cover every log type.
    async fn log_type_access(&self) -> Option<&[String]> {
        match covers_all_log_types(&self.0.log_type_access_kind) {
            true => None,
            false => self.0.log_type_access.as_deref(),
        }
    }

    async fn log_type_access_kind(&self) -> LogTypeAccessKind {
        LogTypeAccessKind::from_text(&self.0.log_type_access_kind)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn permissions(&self) -> Vec<Permission> {
        let ids = self.0.permissions.iter();
        ids.filter_map(|id| Permission::from_id(id)).collect()
    }

    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at.clone())
    }
}

/// A user together with the role found for it.
pub struct UserObject {
    pub user: User,
    pub role: RoleObject,
}

#[Object(name = "User")]
impl UserObject {
    async fn created_at(&self) -> DateTime {
        DateTime(self.user.created_at.clone())
    }

    async fn email(&self) -> Email {
        Email(self.user.email.clone())
    }

    async fn enabled(&self) -> bool {
        self.user.enabled
    }

    async fn family_name(&self) -> Option<&str> {
        self.user.family_name.as_deref()
    }

    async fn given_name(&self) -> Option<&str> {
        self.user.given_name.as_deref()
    }

    async fn id(&self) -> ID {
        ID(self.user.id.clone())
    }

    /// Null when the user never logged in.
    async fn last_logged_in_at(&self) -> Option<DateTime> {
        self.user.last_logged_in_at.clone().map(DateTime)
    }

    async fn role(&self) -> &RoleObject {
        &self.role
    }

    async fn status(&self) -> &str {
        &self.user.status
    }
}
