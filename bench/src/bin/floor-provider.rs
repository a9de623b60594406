//! The smallest plugin tf-provider can serve: no provider attribute, no
//! resource, no data source.
//!
//! The benchmark builds it with the same profile as the Panther provider
//! and compares the two, so the report can say what the provider's own
//! code adds to the binary size and to the time before the handshake.

use tf_provider::schema::{Block, Schema};
use tf_provider::value::ValueEmpty;
use tf_provider::{Diagnostics, Provider};

/// A provider that offers nothing.
struct FloorProvider;

impl Provider for FloorProvider {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block::default(),
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tf_provider::serve("floor", FloorProvider).await
}
