use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::{ApiState, router};
use crate::rules::Input;
use crate::scenario::default_scenario;
use crate::sim::{SimConfig, Simulator};
use crate::types::{ClientIdentity, Timestamp};

/// A simulator that has seen one session: a stored message to ooto@ and a refused bounce@.
fn populated() -> Simulator {
    let sim = Simulator::new(SimConfig::default(), default_scenario("sim.test").unwrap()).unwrap();
    let mut s = sim.open_session(
        ClientIdentity::from_ip("192.0.2.5".parse().unwrap()),
        Timestamp(100),
    );
    sim.transcript(
        s.id,
        Timestamp(100),
        crate::capture::Direction::Server,
        b"220 mx.smtp-sim.test ESMTP\r\n",
    );
    sim.decide(&mut s, Input::Connect, Timestamp(100));
    sim.decide(
        &mut s,
        Input::Mail {
            sender: "app@example.com",
        },
        Timestamp(101),
    );
    sim.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "ooto@sim.test",
        },
        Timestamp(102),
    );
    sim.decide(
        &mut s,
        Input::Rcpt {
            rcpt: "bounce@sim.test",
        },
        Timestamp(102),
    );
    let eod = sim.decide(&mut s, Input::EndOfData, Timestamp(103));
    sim.store_message(
        &mut s,
        &eod,
        b"Subject: hello\r\n\r\nHi\r\n".to_vec(),
        Timestamp(103),
    )
    .unwrap();
    sim.close_session(&s, Timestamp(104));
    sim
}

async fn call(
    sim: &Simulator,
    method: &str,
    uri: &str,
    body: Option<(&str, &str)>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some((content_type, text)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(text.to_owned())
        }
        None => Body::empty(),
    };
    let state = ApiState {
        sim: sim.clone(),
        smtp: None,
    };
    let response = router(state)
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, content_type, bytes)
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

#[tokio::test]
async fn health_says_when_no_smtp_listener_runs_beside_the_api() {
    let sim = populated();
    let (status, _, body) = call(&sim, "GET", "/health", None).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["smtp"], Value::Null);
    assert!(
        v["smtp_note"]
            .as_str()
            .unwrap()
            .contains("no SMTP listener")
    );
    assert_eq!(
        (
            v["messages"].as_u64(),
            v["outbox"].as_u64(),
            v["rules"].as_u64()
        ),
        (Some(1), Some(1), Some(7))
    );
}

#[tokio::test]
async fn messages_list_one_raw_and_delete() {
    let sim = populated();
    let (status, _, body) = call(&sim, "GET", "/api/messages", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = json(&body);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], 1);
    assert_eq!(list[0]["envelope"]["recipients"][0]["rule"], "ses-ooto");
    assert_eq!(list[0]["client"]["ip"], "192.0.2.5");

    for id in ["1", "m1"] {
        let (status, _, body) = call(&sim, "GET", &format!("/api/messages/{id}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(&body)["rule"], "store-all");
    }
    let (status, content_type, body) = call(&sim, "GET", "/api/messages/m1/raw", None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "message/rfc822")
    );
    assert_eq!(body, b"Subject: hello\r\n\r\nHi\r\n");

    let (status, _, body) = call(&sim, "GET", "/api/messages/m9", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"], "no such message m9");
    let (status, _, _) = call(&sim, "GET", "/api/messages/x9/raw", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _, _) = call(&sim, "DELETE", "/api/messages", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for uri in [
        "/api/messages",
        "/api/outbox",
        "/api/transcripts",
        "/api/events",
    ] {
        let (_, _, body) = call(&sim, "GET", uri, None).await;
        assert_eq!(json(&body), Value::Array(vec![]), "{uri} after delete");
    }
}

#[tokio::test]
async fn transcripts_events_outbox() {
    let sim = populated();
    let (_, _, body) = call(&sim, "GET", "/api/transcripts", None).await;
    let t = json(&body);
    assert_eq!(t[0]["session"], 1);
    assert_eq!(t[0]["ended"], 104);
    assert_eq!(t[0]["lines"][0]["text"], "220 mx.smtp-sim.test ESMTP");
    let (status, _, _) = call(&sim, "GET", "/api/transcripts/s1", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(&sim, "GET", "/api/transcripts/s2", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, _, body) = call(&sim, "GET", "/api/events", None).await;
    let events = json(&body);
    let rules: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        rules,
        [
            "-",
            "accept-all",
            "ses-ooto",
            "ses-bounce",
            "store-all",
            "store-all",
            "ses-ooto"
        ]
    );
    assert_eq!(
        events[3]["expect"],
        serde_json::json!({ "reason": "userunknown", "hard": true })
    );

    let (_, _, body) = call(&sim, "GET", "/api/events?after=5", None).await;
    assert_eq!(json(&body).as_array().unwrap().len(), 2);
    let (_, content_type, body) = call(&sim, "GET", "/api/events.jsonl?after=3", None).await;
    assert_eq!(content_type, "application/x-ndjson");
    let lines: Vec<Value> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [4, 5, 6, 7]);

    let (_, _, body) = call(&sim, "GET", "/api/outbox", None).await;
    let outbox = json(&body);
    assert_eq!(outbox[0]["kind"], "auto_reply");
    assert_eq!(outbox[0]["to"], "app@example.com");
    assert_eq!(outbox[0]["recipient"], "ooto@sim.test");
    assert_eq!(outbox[0]["state"], "built");

    let id = outbox[0]["id"].as_u64().unwrap();
    let (status, content_type, body) =
        call(&sim, "GET", &format!("/api/outbox/r{id}/raw"), None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "message/rfc822")
    );
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("\r\nAuto-Submitted: auto-replied\r\n"),
        "{text}"
    );
    assert!(
        text.starts_with("From: ooto@sim.test\r\nTo: app@example.com\r\n"),
        "{text}"
    );
    let (status, _, _) = call(&sim, "GET", "/api/outbox/r999/raw", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn scenario_get_and_replace() {
    let sim = populated();
    let (status, content_type, body) = call(&sim, "GET", "/api/scenario", None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/toml")
    );
    let toml_text = String::from_utf8(body).unwrap();
    assert_eq!(
        crate::scenario::Scenario::from_toml(&toml_text, None).unwrap(),
        *sim.scenario()
    );
    let (_, _, body) = call(&sim, "GET", "/api/scenario?format=json", None).await;
    assert_eq!(json(&body)["rule"][1]["id"], "ses-bounce");
    let (status, _, _) = call(&sim, "GET", "/api/scenario?format=yaml", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let new = "name = \"strict\"\n[[rule]]\nid = \"no\"\nwhen = { step = \"rcpt\" }\ndo = { kind = \"reply\", code = 550, status = \"5.7.1\", text = \"no\" }\nexpect = { reason = \"policyviolation\" }\n";
    let (status, _, body) = call(
        &sim,
        "PUT",
        "/api/scenario",
        Some(("application/toml", new)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        json(&body),
        serde_json::json!({ "name": "strict", "rules": 1 })
    );
    assert_eq!(sim.scenario().rules()[0].id, "no");

    let bad = new.replace("5.7.1", "4.7.1");
    let (status, _, body) = call(&sim, "PUT", "/api/scenario", Some(("text/plain", &bad))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = &json(&body)["errors"][0];
    assert_eq!(
        (err["line"].as_u64(), err["column"].as_u64()),
        (Some(5), Some(45))
    );
    assert_eq!(err["path"], "rule[0].do.status");
    assert!(
        err["expected"]
            .as_str()
            .unwrap()
            .starts_with("expected a status of class 5")
    );
    assert_eq!(
        sim.scenario().rules()[0].id,
        "no",
        "a refused scenario changes nothing"
    );

    let as_json = r#"{"name": "j", "rule": [{"id": "a", "do": {"kind": "accept"}, "expect": {"reason": "delivered"}}]}"#;
    let (status, _, body) = call(
        &sim,
        "PUT",
        "/api/scenario",
        Some(("application/json", as_json)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(sim.scenario().source().name.as_deref(), Some("j"));
    let (status, _, body) = call(
        &sim,
        "PUT",
        "/api/scenario",
        Some(("application/json", "{\"rule\": 3}")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = &json(&body)["errors"][0];
    assert_eq!(
        (err["line"].as_u64(), err["column"].as_u64()),
        (Some(1), Some(10))
    );
}
