//! Schema building blocks shared by the provider, resource and data sources.
//!
//! Descriptions written here are the single source of the attribute docs:
//! `docs/` is checked against them.

use std::collections::HashMap;

use tf_provider::map;
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Description};

/// An attribute with a type, a constraint and a Markdown description.
fn attribute(
    attr_type: AttributeType,
    constraint: AttributeConstraint,
    description: &str,
) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(description.to_owned()),
        constraint,
        ..Default::default()
    }
}

/// An optional string argument.
pub fn optional(description: &str) -> Attribute {
    attribute(
        AttributeType::String,
        AttributeConstraint::Optional,
        description,
    )
}

/// An optional string argument whose value Terraform hides.
pub fn optional_sensitive(description: &str) -> Attribute {
    Attribute {
        sensitive: true,
        ..optional(description)
    }
}

/// An optional number argument.
pub fn optional_number(description: &str) -> Attribute {
    attribute(
        AttributeType::Number,
        AttributeConstraint::Optional,
        description,
    )
}

/// An optional boolean argument.
pub fn optional_bool(description: &str) -> Attribute {
    attribute(
        AttributeType::Bool,
        AttributeConstraint::Optional,
        description,
    )
}

/// A required string argument.
pub fn required(description: &str) -> Attribute {
    attribute(
        AttributeType::String,
        AttributeConstraint::Required,
        description,
    )
}

/// A string the provider sets.
pub fn computed(description: &str) -> Attribute {
    attribute(
        AttributeType::String,
        AttributeConstraint::Computed,
        description,
    )
}

/// A value of any type the provider sets.
pub fn computed_of(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Computed, description)
}

/// A list of strings.
pub fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

/// A set of strings.
pub fn string_set() -> AttributeType {
    AttributeType::Set(Box::new(AttributeType::String))
}

/// A list of objects with the given attributes' types.
///
/// NOTE: tf-provider 0.2.2 sends nested attribute types with both `type`
/// and `nested_type` set, which Terraform rejects, so lists of objects are
/// declared as plain `list(object(...))` types. The per-field descriptions
/// live on in the docs, which read them from here.
pub fn object_list(attributes: &HashMap<String, Attribute>) -> AttributeType {
    let fields = attributes
        .iter()
        .map(|(name, attribute)| (name.clone(), attribute.attr_type.clone()))
        .collect();
    AttributeType::List(Box::new(AttributeType::Object(fields)))
}

/// The attributes of a user, as `panther_users` lists them and
/// `panther_user` shows them at its top level.
pub fn user_attributes() -> HashMap<String, Attribute> {
    map! {
        "id" => computed("The user's id in Panther."),
        "email" => computed("The user's email address."),
        "given_name" => computed("Given name; null when Panther has none."),
        "family_name" => computed("Family name; null when Panther has none."),
        "enabled" => computed_of(
            AttributeType::Bool,
            "Whether the user is active (false once deactivated).",
        ),
        "status" => computed(
            "The sign-in status Panther reports, such as `CONFIRMED` or \
             `FORCE_CHANGE_PASSWORD`.",
        ),
        "role_id" => computed(
            "The id of the user's role, as Panther reports it (SAML users can \
             carry ids such as `Analyst (SAML Default)`).",
        ),
        "role_name" => computed("The name of the user's role."),
        "created_at" => computed("When the user was created (RFC 3339)."),
        "last_logged_in_at" => computed(
            "When the user last signed in (RFC 3339); null when never.",
        ),
    }
}

/// The attributes of a role, as `panther_roles` lists them and
/// `panther_role` shows them at its top level.
pub fn role_attributes() -> HashMap<String, Attribute> {
    map! {
        "id" => computed("The role's id in Panther."),
        "name" => computed("The role's name."),
        "permissions" => computed_of(
            string_list(),
            "The permission ids the role holds, sorted.",
        ),
        "log_type_access_kind" => computed(
            "`ALLOW`, `ALLOW_ALL`, `DENY` or `DENY_ALL`.",
        ),
        "log_type_access" => computed_of(
            string_list(),
            "The log types allowed or denied; null for the `*_ALL` kinds.",
        ),
        "created_at" => computed("When the role was created (RFC 3339)."),
        "updated_at" => computed("When the role was last changed (RFC 3339)."),
    }
}
