//! The registry docs in `docs/` agree with the provider's schema, which is
//! the one source of every attribute description.
//!
//! The schema comes from `terraform providers schema -json`, run against
//! the provider under test. Each page lists its attributes one to a
//! bullet, in a format simple enough to check:
//!
//! ```text
//! - `api_url` (String, Optional) <the schema's description>
//! ```
//!
//! under `## Argument Reference` (required and optional attributes, with
//! `Required` or `Optional`, and `Sensitive` when it is), `## Attribute
//! Reference` (computed-only attributes, type alone) and, for a list of
//! objects, `### Nested Schema for `name`` (its fields, type alone). A
//! bullet may wrap onto lines indented by two spaces; white space is
//! compared collapsed.
//!
//! NOTE: tf-provider 0.2.2 cannot send per-field descriptions for lists of
//! objects, so the schema declares them as plain `list(object(...))`
//! types. Their fields' descriptions are read from the crate's own
//! attribute builders instead ([`user_attributes`], [`role_attributes`]).

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::{repo_root, Workspace};
use terraform_provider_panther::schema::{role_attributes, user_attributes};
use tf_provider::schema::Attribute;

/// The provider's address in `terraform providers schema -json`.
const ADDRESS: &str = "registry.terraform.io/panther-governance/panther";

/// The provider's schema, read once per test binary.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let workspace = Workspace::new("");
        let run = workspace.run_exact(&["providers", "schema", "-json"]).ok();
        let all: Value = serde_json::from_str(&run.stdout).expect("schema JSON");
        all["provider_schemas"][ADDRESS].clone()
    })
}

/// A Terraform object and the page and examples that document it.
struct Object {
    /// `panther_users`, or `panther` for the provider block.
    name: String,
    block: &'static Value,
    page: PathBuf,
    examples: Vec<PathBuf>,
}

/// Every object the schema declares, with where its docs must be.
fn objects() -> Vec<Object> {
    let root = repo_root();
    let schema = schema();
    let mut objects = vec![Object {
        name: "panther".to_owned(),
        block: &schema["provider"]["block"],
        page: root.join("docs/index.md"),
        examples: vec![root.join("examples/provider/provider.tf")],
    }];
    for (name, resource) in schema["resource_schemas"].as_object().unwrap() {
        let short = name.trim_start_matches("panther_");
        let dir = root.join("examples/resources").join(name);
        let mut examples = vec![dir.join("resource.tf"), dir.join("import.sh")];
        let import_block = dir.join("import-by-string-id.tf");
        if import_block.exists() {
            examples.push(import_block);
        }
        objects.push(Object {
            name: name.clone(),
            block: &resource["block"],
            page: root.join(format!("docs/resources/{short}.md")),
            examples,
        });
    }
    for (name, data_source) in schema["data_source_schemas"].as_object().unwrap() {
        let short = name.trim_start_matches("panther_");
        objects.push(Object {
            name: name.clone(),
            block: &data_source["block"],
            page: root.join(format!("docs/data-sources/{short}.md")),
            examples: vec![root.join(format!("examples/data-sources/{name}/data-source.tf"))],
        });
    }
    objects
}

/// Where on a page an attribute bullet sits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Arguments,
    Attributes,
    Nested(String),
}

impl Section {
    /// The heading that opens the section.
    fn heading(&self) -> String {
        match self {
            Section::Arguments => "## Argument Reference".to_owned(),
            Section::Attributes => "## Attribute Reference".to_owned(),
            Section::Nested(name) => format!("### Nested Schema for `{name}`"),
        }
    }
}

/// What a page says, as far as the checks care.
#[derive(Debug, Default)]
struct Page {
    frontmatter: BTreeMap<String, String>,
    /// Attribute name to its whole bullet, white space collapsed.
    bullets: BTreeMap<Section, BTreeMap<String, String>>,
    /// The contents of fenced code blocks.
    code_blocks: Vec<String>,
    /// Lines in a reference section that are not attribute bullets.
    malformed: Vec<String>,
}

/// Collapses runs of white space to one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The attribute name of a bullet: "- `name` (...) ..." gives "name".
fn bullet_name(bullet: &str) -> Option<String> {
    let rest = bullet.strip_prefix("- `")?;
    let (name, after) = rest.split_once('`')?;
    after.starts_with(" (").then(|| name.to_owned())
}

/// Reads the YAML frontmatter: `key: value` and `key: |-` blocks.
fn parse_frontmatter(lines: &[&str]) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in lines {
        if let Some(text) = line.strip_prefix("  ") {
            if let Some(key) = &current {
                let value: &mut String = values.entry(key.clone()).or_default();
                value.push(' ');
                value.push_str(text);
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let value = if value == "|-" || value == "|" {
            ""
        } else {
            value.trim_matches('"')
        };
        values.insert(key.trim().to_owned(), value.to_owned());
        current = Some(key.trim().to_owned());
    }
    values.into_iter().map(|(k, v)| (k, collapse(&v))).collect()
}

/// Parses a page into its frontmatter, attribute bullets and code blocks.
fn parse_page(text: &str) -> Page {
    let mut page = Page::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    if lines.first() == Some(&"---") {
        let end = lines[1..].iter().position(|l| *l == "---").map(|i| i + 1);
        if let Some(end) = end {
            page.frontmatter = parse_frontmatter(&lines[1..end]);
            start = end + 1;
        }
    }

    let mut section: Option<Section> = None;
    let mut bullet: Option<String> = None;
    let mut code: Option<String> = None;
    for line in &lines[start..] {
        // Fenced code blocks are kept whole and never read as bullets.
        if let Some(block) = code.as_mut() {
            if line.starts_with("```") {
                page.code_blocks.push(std::mem::take(block));
                code = None;
            } else {
                block.push_str(line);
                block.push('\n');
            }
            continue;
        }
        if line.starts_with("```") {
            code = Some(String::new());
            continue;
        }

        // A bullet goes on over lines indented by two spaces.
        if let Some(text) = bullet.as_mut() {
            if line.starts_with("  ") && !line.trim().is_empty() {
                text.push(' ');
                text.push_str(line.trim());
                continue;
            }
        }
        if let (Some(text), Some(current)) = (bullet.take(), &section) {
            file_bullet(&mut page, current, text);
        }

        if line.starts_with('#') {
            section = [Section::Arguments, Section::Attributes]
                .into_iter()
                .find(|s| s.heading() == *line)
                .or_else(|| {
                    let name = line.strip_prefix("### Nested Schema for `")?;
                    Some(Section::Nested(name.strip_suffix('`')?.to_owned()))
                });
        } else if section.is_some() && line.starts_with("- ") {
            bullet = Some(line.to_string());
        } else if section.is_some() && line.starts_with("  ") && !line.trim().is_empty() {
            page.malformed.push(line.to_string());
        }
    }
    if let (Some(text), Some(current)) = (bullet, &section) {
        file_bullet(&mut page, current, text);
    }
    page
}

/// Files a finished bullet under its section, or as malformed.
fn file_bullet(page: &mut Page, section: &Section, text: String) {
    match bullet_name(&text) {
        Some(name) => {
            page.bullets
                .entry(section.clone())
                .or_default()
                .insert(name, collapse(&text));
        }
        None => page.malformed.push(text),
    }
}

/// A schema type as the docs spell it: `String`, `Set of String`,
/// `List of Object`.
fn type_name(attr_type: &Value) -> String {
    match attr_type {
        Value::String(name) => match name.as_str() {
            "string" => "String".to_owned(),
            "number" => "Number".to_owned(),
            "bool" => "Boolean".to_owned(),
            other => format!("Unknown type {other}"),
        },
        Value::Array(parts) => match parts[0].as_str().unwrap_or_default() {
            "list" => format!("List of {}", type_name(&parts[1])),
            "set" => format!("Set of {}", type_name(&parts[1])),
            "map" => format!("Map of {}", type_name(&parts[1])),
            "object" => "Object".to_owned(),
            other => format!("Unknown type {other}"),
        },
        other => format!("Unknown type {other}"),
    }
}

/// The descriptions of the fields of a list of objects, by attribute name.
fn nested_descriptions(attribute: &str) -> Option<HashMap<String, Attribute>> {
    match attribute {
        "users" => Some(user_attributes()),
        "roles" => Some(role_attributes()),
        _ => None,
    }
}

/// Every bullet the schema calls for, by section and attribute name.
fn expected_bullets(block: &Value) -> BTreeMap<Section, BTreeMap<String, String>> {
    let mut expected: BTreeMap<Section, BTreeMap<String, String>> = BTreeMap::new();
    let no_attributes = serde_json::Map::new();
    let attributes = block["attributes"].as_object().unwrap_or(&no_attributes);
    for (name, attribute) in attributes {
        let is_argument = attribute["required"] == true || attribute["optional"] == true;
        let mut kind = vec![type_name(&attribute["type"])];
        if is_argument {
            let constraint = if attribute["required"] == true {
                "Required"
            } else {
                "Optional"
            };
            kind.push(constraint.to_owned());
        }
        if attribute["sensitive"] == true {
            kind.push("Sensitive".to_owned());
        }
        let description = attribute["description"].as_str().unwrap_or_default();
        let line = collapse(&format!("- `{name}` ({}) {description}", kind.join(", ")));
        let section = if is_argument {
            Section::Arguments
        } else {
            Section::Attributes
        };
        expected
            .entry(section)
            .or_default()
            .insert(name.clone(), line);

        if let Some(fields) = object_fields(&attribute["type"]) {
            let nested = expected_nested(name, fields);
            expected.insert(Section::Nested(name.clone()), nested);
        }
    }
    expected
}

/// The field types of a `list(object(...))` type.
fn object_fields(attr_type: &Value) -> Option<&serde_json::Map<String, Value>> {
    let element = attr_type.as_array()?.get(1)?.as_array()?;
    (element.first()? == "object").then(|| element.get(1)?.as_object())?
}

/// The bullets of a list of objects' fields.
fn expected_nested(
    attribute: &str,
    fields: &serde_json::Map<String, Value>,
) -> BTreeMap<String, String> {
    let descriptions = nested_descriptions(attribute).unwrap_or_else(|| {
        panic!(
            "`{attribute}` is a list of objects with no attribute builder \
             known to this test: add it to nested_descriptions"
        )
    });
    let declared: BTreeSet<&String> = descriptions.keys().collect();
    let sent: BTreeSet<&String> = fields.keys().collect();
    assert_eq!(declared, sent, "fields of `{attribute}`");

    fields
        .iter()
        .map(|(field, field_type)| {
            let description = &descriptions[field].description.content;
            let line = format!("- `{field}` ({}) {description}", type_name(field_type));
            (field.clone(), collapse(&line))
        })
        .collect()
}

/// Every difference between what a page documents and what the schema
/// declares, one message each.
fn attribute_problems(block: &Value, page: &Page) -> Vec<String> {
    let mut problems = Vec::new();
    let expected = expected_bullets(block);
    let sections: BTreeSet<&Section> = expected.keys().chain(page.bullets.keys()).collect();
    let empty = BTreeMap::new();
    for section in sections {
        let want = expected.get(section).unwrap_or(&empty);
        let have = page.bullets.get(section).unwrap_or(&empty);
        let heading = section.heading();
        for (name, line) in want {
            match have.get(name) {
                None => problems.push(format!(
                    "`{name}` is undocumented; under \"{heading}\" add:\n    {line}"
                )),
                Some(documented) if documented != line => problems.push(format!(
                    "`{name}` under \"{heading}\" differs from the schema:\n    \
                     page:   {documented}\n    schema: {line}"
                )),
                Some(_) => {}
            }
        }
        for name in have.keys().filter(|name| !want.contains_key(*name)) {
            problems.push(format!(
                "`{name}` is documented under \"{heading}\" but the schema has no such \
                 attribute there"
            ));
        }
    }
    for line in &page.malformed {
        problems.push(format!(
            "not an attribute bullet in a reference section: {line}"
        ));
    }
    problems
}

/// Reads a page, failing with its path if it is missing.
fn read_page(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A path relative to the repository, for messages.
fn shown(path: &Path) -> String {
    let root = repo_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_attribute_is_documented_as_the_schema_describes_it() {
    let mut report = Vec::new();
    for object in objects() {
        let page = parse_page(&read_page(&object.page));
        for problem in attribute_problems(object.block, &page) {
            report.push(format!("{}: {problem}", shown(&object.page)));
        }
    }
    assert!(report.is_empty(), "\n{}\n", report.join("\n"));
}

#[test]
fn every_page_shows_its_examples_verbatim() {
    let mut report = Vec::new();
    for object in objects() {
        let page = parse_page(&read_page(&object.page));
        for example in &object.examples {
            let text = fs::read_to_string(example)
                .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
            let shown_verbatim = page
                .code_blocks
                .iter()
                .any(|block| block.trim_end() == text.trim_end());
            if !shown_verbatim {
                report.push(format!(
                    "{} does not show {} in a code block as it is",
                    shown(&object.page),
                    shown(example)
                ));
            }
        }
    }
    assert!(report.is_empty(), "\n{}\n", report.join("\n"));
}

#[test]
fn every_page_has_registry_frontmatter_with_the_schema_description() {
    let mut report = Vec::new();
    for object in objects() {
        let page = parse_page(&read_page(&object.page));
        let front = &page.frontmatter;
        let path = shown(&object.page);

        let title = front.get("page_title").map(String::as_str).unwrap_or("");
        let title_names_it = if object.name == "panther" {
            title.contains("Panther")
        } else {
            title.contains(&object.name)
        };
        if !title_names_it {
            report.push(format!("{path}: page_title does not name {}", object.name));
        }
        if !front.contains_key("subcategory") {
            report.push(format!("{path}: no subcategory"));
        }
        let want = collapse(object.block["description"].as_str().unwrap_or_default());
        let have = front.get("description").cloned().unwrap_or_default();
        if have != want {
            report.push(format!(
                "{path}: the description differs from the schema's:\n    \
                 page:   {have}\n    schema: {want}"
            ));
        }
    }
    assert!(report.is_empty(), "\n{}\n", report.join("\n"));
}

#[test]
fn every_page_documents_an_object_the_provider_has() {
    let expected: BTreeSet<PathBuf> = objects().into_iter().map(|o| o.page).collect();
    let docs = repo_root().join("docs");
    let mut pages = BTreeSet::new();
    let mut pending = vec![docs];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.insert(path);
            }
        }
    }

    let stale: Vec<String> = pages.difference(&expected).map(|p| shown(p)).collect();
    let missing: Vec<String> = expected.difference(&pages).map(|p| shown(p)).collect();
    assert!(stale.is_empty(), "pages for no object: {stale:?}");
    assert!(missing.is_empty(), "objects with no page: {missing:?}");
}

#[test]
fn the_check_catches_a_missing_a_stale_and_a_changed_attribute() {
    let block = serde_json::json!({
        "attributes": {
            "kept": { "type": "string", "optional": true, "description": "Kept as is." },
            "changed": { "type": "number", "computed": true, "description": "New words." },
            "missing": { "type": "bool", "required": true, "description": "Never written." },
        }
    });
    let page = parse_page(
        "## Argument Reference\n\n\
         - `kept` (String, Optional) Kept\n  as is.\n\
         - `gone` (String, Optional) Removed from the schema.\n\n\
         ## Attribute Reference\n\n\
         - `changed` (Number) Old words.\n",
    );

    let problems = attribute_problems(&block, &page).join("\n");

    assert!(problems.contains("`missing` is undocumented"), "{problems}");
    assert!(
        problems.contains("- `missing` (Boolean, Required) Never written."),
        "{problems}"
    );
    assert!(problems.contains("`gone` is documented"), "{problems}");
    assert!(
        problems.contains("`changed` under \"## Attribute Reference\" differs"),
        "{problems}"
    );
    assert!(!problems.contains("`kept`"), "{problems}");
}
