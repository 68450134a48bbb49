//! Heap allocations per message: bounce-classify's `classify` against mail-parser's default
//! parse of the same development corpus (the figures in docs/performance.md, "Bounce
//! classification").

#[test]
fn allocations_per_message() {
    let Some(corpus) = benches::bounce_corpus() else {
        println!("corpus ../shared/corpus/sisimai/dev missing: nothing measured");
        return;
    };
    let n = corpus.len() as u64;
    let ours = allocation_counter::measure(|| {
        for m in &corpus {
            std::hint::black_box(bounce_classify::classify(m));
        }
    });
    let parser = mail_parser::MessageParser::default();
    let theirs = allocation_counter::measure(|| {
        for m in &corpus {
            std::hint::black_box(parser.parse(m.as_slice()));
        }
    });
    println!(
        "allocations per message over {n} messages: bounce-classify {:.1} (bytes {:.0}), mail-parser parse {:.1} (bytes {:.0})",
        ours.count_total as f64 / n as f64,
        ours.bytes_total as f64 / n as f64,
        theirs.count_total as f64 / n as f64,
        theirs.bytes_total as f64 / n as f64,
    );
    assert!(
        theirs.count_total > 0 && ours.count_total > 0,
        "the counter counts"
    );
}
