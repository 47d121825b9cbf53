//! Transport to the ClickHouse Cloud API: typed client, wire types, errors.
pub mod model;
