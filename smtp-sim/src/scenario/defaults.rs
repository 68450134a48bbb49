//! The scenario served when none is given: accept everything, and answer the Amazon SES mailbox
//! simulator's addresses as SES documents them (`mx-replies.md` §2.9).

use super::builder::{ActionBuilder, RuleBuilder, ScenarioBuilder};
use super::vocab::{Reason, Step};
use super::{Scenario, ScenarioErrors};
use crate::capture::ReportKind;

/// The domain of Amazon's mailbox simulator, answered as well as the simulator's own.
pub const SES_SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";

/// The default scenario, with the SES addresses answered on `simulator.amazonses.com` and on
/// `own_domain` (plus-addressed labels such as `success+label@` included). Fails only when
/// `own_domain` is not a valid domain pattern.
///
/// | address | at RCPT | afterwards | expected |
/// |---|---|---|---|
/// | success@ | 250 | stored | delivered |
/// | bounce@ | 550 5.1.1 | — | userunknown, hard |
/// | ooto@ | 250 | auto-reply to the sender | vacation |
/// | complaint@ | 250 | ARF complaint to the sender | feedback |
/// | suppressionlist@ | 550 5.1.1 (suppression-list text) | — | suppressed (not hard: the address was not tried) |
/// | anything else | 250 | stored | delivered |
pub fn default_scenario(own_domain: &str) -> Result<Scenario, ScenarioErrors> {
    let addresses = |local: &str| {
        let mut rule = RuleBuilder::new(format!("ses-{local}")).step(Step::Rcpt);
        for domain in [SES_SIMULATOR_DOMAIN, own_domain] {
            rule = rule
                .rcpt(&format!("{local}@{domain}"))
                .rcpt(&format!("{local}+*@{domain}"));
        }
        rule
    };
    let scenario = ScenarioBuilder::new()
        .name("default")
        .description("Accept everything; answer the SES mailbox simulator addresses")
        .rule(
            addresses("success")
                .action(ActionBuilder::accept())
                .expect(Reason::Delivered),
        )
        .rule(
            addresses("bounce")
                .action(
                    ActionBuilder::reply(550, "<{rcpt}>: Recipient address rejected: User unknown")
                        .status("5.1.1"),
                )
                .expect(Reason::Userunknown),
        )
        .rule(
            addresses("ooto")
                .action(ActionBuilder::accept().report(
                    ReportKind::AutoReply,
                    None,
                    Some("I am out of the office and will answer your message on my return."),
                ))
                .expect(Reason::Vacation),
        )
        .rule(
            addresses("complaint")
                .action(ActionBuilder::accept().report(ReportKind::Complaint, None, None))
                .expect(Reason::Feedback),
        )
        .rule(
            addresses("suppressionlist")
                .action(
                    ActionBuilder::reply(
                        550,
                        "<{rcpt}>: Address is on the suppression list; the message was not sent \
                         to this address",
                    )
                    .status("5.1.1"),
                )
                .expect(Reason::Suppressed),
        )
        .rule(
            RuleBuilder::new("store-all")
                .step(Step::EndOfData)
                .action(ActionBuilder::accept())
                .expect(Reason::Delivered),
        )
        .rule(
            RuleBuilder::new("accept-all")
                .action(ActionBuilder::accept())
                .expect(Reason::Delivered),
        );
    // The rules above are fixed; only a bad `own_domain` can make them fail.
    scenario.build()
}
