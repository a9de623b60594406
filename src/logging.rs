//! Logs where Terraform looks for them, in the shape it reads.
//!
//! Terraform's plugin host reads a provider's stderr and treats each JSON
//! line with `@level`, `@message` and `@timestamp` as a structured log
//! entry, filtered by `TF_LOG` / `TF_LOG_PROVIDER`. The same lines go to
//! the file named by `PLUGIN_LOG_FILE` when it is set. Nothing is written
//! to stdout, which carries the plugin handshake.
//!
//! NOTE: tf-provider installs its own global subscriber when it finds
//! `PLUGIN_LOG_FILE`, and a second global subscriber would abort the
//! process. [`init`] therefore takes the variable over and removes it from
//! the environment before the server starts.

use std::fmt;
use std::fs::File;
use std::io;
use std::sync::Mutex;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The module name Terraform shows beside each line.
const MODULE: &str = "provider.terraform-provider-panther";

/// Installs the global logger; call once, before any thread starts.
pub fn init() {
    let level = level_from_env();
    let stderr = level.map(|level| {
        tracing_subscriber::fmt::layer()
            .event_format(HclogJson)
            .with_writer(io::stderr)
            .with_filter(filter(level))
    });

    let file = std::env::var_os("PLUGIN_LOG_FILE").and_then(|path| {
        // NOTE: `init` runs from `main` before the runtime or any other
        // thread exists, so nothing reads the environment concurrently.
        std::env::remove_var("PLUGIN_LOG_FILE");
        let file = File::create(path).ok()?;
        Some(
            tracing_subscriber::fmt::layer()
                .event_format(HclogJson)
                .with_writer(Mutex::new(file))
                .with_filter(filter(level.unwrap_or(Level::TRACE))),
        )
    });

    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
}

/// The level Terraform asked for, or `None` when it discards provider logs.
fn level_from_env() -> Option<Level> {
    let value = ["TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))?;
    match value.to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        "OFF" => None,
        // Terraform treats any other value as TRACE.
        _ => Some(Level::TRACE),
    }
}

/// This crate at `level`; dependencies no chattier than INFO unless TRACE
/// was asked for.
fn filter(level: Level) -> EnvFilter {
    let others = if level == Level::TRACE {
        Level::TRACE
    } else {
        Level::INFO.min(level)
    };
    EnvFilter::new(format!(
        "{others},terraform_provider_panther={level},tf_provider={level}"
    ))
}

/// Formats events as the JSON lines Terraform's plugin host parses.
struct HclogJson;

impl<S, N> FormatEvent<S, N> for HclogJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut timestamp = String::new();
        SystemTime.format_time(&mut Writer::new(&mut timestamp))?;

        let mut fields = JsonFields(Map::new());
        event.record(&mut fields);
        let mut line = fields.0;
        let message = line.remove("message").unwrap_or(Value::Null);
        line.insert(
            "@level".into(),
            event.metadata().level().as_str().to_lowercase().into(),
        );
        line.insert("@message".into(), message);
        line.insert("@module".into(), MODULE.into());
        line.insert("@timestamp".into(), timestamp.into());
        line.insert("target".into(), event.metadata().target().into());

        let json = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{json}")
    }
}

/// Collects an event's fields as JSON values.
struct JsonFields(Map<String, Value>);

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
}
