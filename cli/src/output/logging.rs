//! `-v`/`--verbose` and `MINTLIFY_LOG`: the library's request spans and attempt events (and the
//! CLI's own) as lines on standard error. Nothing is installed without either, so that a
//! command's standard error holds only what it says itself.

use tracing_subscriber::EnvFilter;

/// The filter for `-v` (1), `-vv` (2), `-vvv` (3 or more): this program's and the library's
/// events at debug, then at trace, then everything at trace (hyper, h2).
fn for_verbosity(verbose: u8) -> Option<&'static str> {
    match verbose {
        0 => None,
        1 => Some("mintlify_agent=debug"),
        2 => Some("mintlify_agent=trace"),
        _ => Some("trace"),
    }
}

/// Installs the subscriber `MINTLIFY_LOG` (tracing's env-filter syntax, e.g. `debug` or
/// `mintlify_agent=trace,hyper=debug`) or `verbose` asks for; `MINTLIFY_LOG` wins. Returns
/// whether logs are on, and a warning for a filter that does not parse (then `-v`'s is used).
pub fn install(verbose: u8) -> (bool, Option<String>) {
    let from_env = std::env::var("MINTLIFY_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    let mut warning = None;
    let filter = match from_env {
        Some(directives) => match EnvFilter::builder().parse(&directives) {
            Ok(filter) => Some(filter),
            Err(error) => {
                warning = Some(format!(
                    "warning: MINTLIFY_LOG is not a valid filter ({error}); try \
                     MINTLIFY_LOG=debug or MINTLIFY_LOG=mintlify_agent=trace"
                ));
                for_verbosity(verbose).map(EnvFilter::new)
            }
        },
        None => for_verbosity(verbose).map(EnvFilter::new),
    };
    let Some(filter) = filter else {
        return (false, warning);
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .is_ok();
    (installed, warning)
}
