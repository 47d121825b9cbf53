//! One definition of each command: the console's option table is held to what the bot
//! registers with Discord (names, option types, required flags), so a command or option added
//! to one surface and forgotten on the other fails here.

use std::collections::BTreeSet;

use clickscale::{commands, config::Config, console};

/// A command's name and its options as (name, Discord option type, required).
type Table = BTreeSet<(String, BTreeSet<(String, u64, bool)>)>;

#[test]
fn the_console_speaks_exactly_the_registered_commands_and_options() {
    let payload = commands::registration(&commands::all(), &Config::default()).unwrap();
    let registered: Table = payload
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let options = c["options"]
                .as_array()
                .map(|opts| {
                    opts.iter()
                        .map(|o| {
                            (
                                o["name"].as_str().unwrap().to_owned(),
                                o["type"].as_u64().unwrap(),
                                o["required"].as_bool().unwrap_or(false),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (c["name"].as_str().unwrap().to_owned(), options)
        })
        .collect();
    let console: Table = console::parse::option_table()
        .into_iter()
        .map(|(name, options)| {
            (
                name.to_owned(),
                options
                    .into_iter()
                    .map(|(o, kind, required)| (o.to_owned(), u64::from(kind), required))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(console, registered);
}
