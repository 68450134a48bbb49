//! A simulated DNS world: the records a scenario declares, and the questions receivers ask of
//! them (reverse names, forward confirmation, DNS block lists, SPF, DMARC). No real DNS server is
//! ever queried; every answer comes from the [`World`].
//!
//! ```
//! use smtp_sim::dns::{World, check_host, SpfResult};
//!
//! let mut world = World::default();
//! world.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
//! let ip = "192.0.2.7".parse().unwrap();
//! assert_eq!(check_host(&world, ip, "example.com", "app@example.com", "mx.example.com"), SpfResult::Pass);
//! let other = "198.51.100.1".parse().unwrap();
//! assert_eq!(check_host(&world, other, "example.com", "app@example.com", "x"), SpfResult::Fail);
//! ```

mod dmarc;
mod spf;
mod spf_macro;
mod world;

#[cfg(test)]
mod tests;

pub use dmarc::{Alignment, DmarcPolicy, DmarcRecord, DmarcResult, dmarc_check, org_domain};
pub use spf::{SpfResult, check_host, spf_for_mail_from};
pub use world::{DnsError, Listing, World, normalize_name};
