//! Logs where Terraform looks for them, in the shape it reads.
//!
//! Terraform's plugin host reads a provider's stderr and treats each JSON
//! line with `@level`, `@message` and `@timestamp` as a structured log
//! entry, filtered by `TF_LOG` / `TF_LOG_PROVIDER`. The same lines are
//! appended to the file named by `PLUGIN_LOG_FILE` when it is set. Nothing
//! is written to stdout, which carries the plugin handshake.
//!
//! NOTE: tf-provider installs its own global subscriber when it finds
//! `PLUGIN_LOG_FILE`, and a second global subscriber would abort the
//! process. [`init`] therefore takes the variable over and removes it from
//! the environment before the server starts.

use std::fmt;
use std::fs::OpenOptions;
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
        // NOTE: appended to, not truncated: Terraform starts several
        // provider processes in one command, and each would otherwise cut
        // off the log of the ones before it.
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
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
        // NOTE: go-plugin reads `@message` as a string and Terraform itself
        // panics on anything else, such as the null that an event without
        // a message (common in dependencies' trace logs) would give.
        let message = match line.remove("message") {
            Some(Value::String(text)) => text,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        line.insert(
            "@level".into(),
            event.metadata().level().as_str().to_lowercase().into(),
        );
        line.insert("@message".into(), message.into());
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A writer that keeps what is written, for reading back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_event_without_a_message_still_has_a_string_message() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .event_format(HclogJson)
            .with_max_level(Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();

        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(frame = 7, "");
            tracing::trace!(frame = 8);
        });

        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        for line in lines {
            assert!(line["@message"].is_string(), "{line}");
            assert_eq!(line["@level"], "trace");
        }
    }
}
