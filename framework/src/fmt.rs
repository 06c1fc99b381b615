//! Optional diagnostics: `defmt` for firmware, `log` for host builds, nothing by default.
//!
//! The macros take `format_args!`-style arguments restricted to what both back ends
//! accept (plain `{}` placeholders with integer and `&str` arguments).

#[cfg(all(feature = "defmt", feature = "log"))]
compile_error!("features `defmt` and `log` are exclusive: pick one diagnostics back end");

macro_rules! debug {
    ($($arg:tt)*) => {{
        #[cfg(feature = "log")]
        ::log::debug!($($arg)*);
        #[cfg(feature = "defmt")]
        ::defmt::debug!($($arg)*);
        #[cfg(not(any(feature = "log", feature = "defmt")))]
        { let _ = || ($($arg)*,); }
    }};
}

macro_rules! warning {
    ($($arg:tt)*) => {{
        #[cfg(feature = "log")]
        ::log::warn!($($arg)*);
        #[cfg(feature = "defmt")]
        ::defmt::warn!($($arg)*);
        #[cfg(not(any(feature = "log", feature = "defmt")))]
        { let _ = || ($($arg)*,); }
    }};
}

pub(crate) use {debug, warning};
