//! A Cloud API client for the simulator, as engine-level tests use it.

use std::time::Duration;

use clickscale::{
    cloud::{CloudClient, CloudSettings, RateLimit, RetryPolicy},
    sim::{
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        SimHandle,
    },
};

/// The demo admin key on `sim`, with a client budget far above what tests use (the simulator
/// sets its own) and quick retries.
pub fn sim_client(sim: &SimHandle) -> CloudClient {
    CloudClient::new(settings_at(sim.base_url())).expect("a client for the simulator")
}

/// [`sim_client`]'s settings for any address (a proxy in front of the simulator, say).
pub fn settings_at(base_url: String) -> CloudSettings {
    let mut s = CloudSettings::new(DEMO_ORG_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
    s.base_url = base_url;
    s.rate_limit = RateLimit {
        requests: 100_000,
        per: Duration::from_secs(1),
    };
    s.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    s
}
