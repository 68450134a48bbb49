//! serde for the parameter lists: a map of the parameters present, typed (as the fields of the
//! lists were before they kept their text), unknown ones under `other`. Deserializing builds the
//! list with the `with_*` methods, so every value is checked again.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Body, DeliverBy, Hold, MailAuth, MailParams, Notify, Orcpt, Param, RcptParams, Ret};
use crate::xtext::XText;

impl Serialize for MailParams<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.size() {
            m.serialize_entry("size", &v)?;
        }
        if let Some(v) = self.body() {
            m.serialize_entry("body", &v)?;
        }
        if self.smtputf8() {
            m.serialize_entry("smtputf8", &true)?;
        }
        if let Some(v) = self.ret() {
            m.serialize_entry("ret", &v)?;
        }
        if let Some(v) = self.envid() {
            m.serialize_entry("envid", &v)?;
        }
        if let Some(v) = self.auth() {
            m.serialize_entry("auth", &v)?;
        }
        if self.requiretls() {
            m.serialize_entry("requiretls", &true)?;
        }
        if let Some(v) = self.mt_priority() {
            m.serialize_entry("mt_priority", &v)?;
        }
        if let Some(v) = self.hold() {
            m.serialize_entry("hold", &v)?;
        }
        if let Some(v) = self.by() {
            m.serialize_entry("by", &v)?;
        }
        let other: Vec<Param<'_>> = self.other().collect();
        if !other.is_empty() {
            m.serialize_entry("other", &other)?;
        }
        m.end()
    }
}

impl Serialize for RcptParams<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.notify() {
            m.serialize_entry("notify", &v)?;
        }
        if let Some(v) = self.orcpt() {
            m.serialize_entry("orcpt", &v)?;
        }
        let other: Vec<Param<'_>> = self.other().collect();
        if !other.is_empty() {
            m.serialize_entry("other", &other)?;
        }
        m.end()
    }
}

impl<'de, 'a> Deserialize<'de> for MailParams<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire<'a> {
            size: Option<u64>,
            body: Option<Body>,
            #[serde(default)]
            smtputf8: bool,
            ret: Option<Ret>,
            envid: Option<XText<'a>>,
            auth: Option<MailAuth<'a>>,
            #[serde(default)]
            requiretls: bool,
            mt_priority: Option<i8>,
            hold: Option<Hold<'a>>,
            by: Option<DeliverBy>,
            #[serde(default)]
            other: Vec<Param<'a>>,
        }
        let w = Wire::deserialize(d)?;
        let mut p = MailParams::default();
        if let Some(v) = w.size {
            p = p.with_size(v);
        }
        if let Some(v) = w.body {
            p = p.with_body(v);
        }
        if w.smtputf8 {
            p = p.with_smtputf8();
        }
        if let Some(v) = w.ret {
            p = p.with_ret(v);
        }
        if let Some(v) = &w.envid {
            p = p.with_envid(v).map_err(D::Error::custom)?;
        }
        if let Some(v) = &w.auth {
            p = p.with_auth(v).map_err(D::Error::custom)?;
        }
        if w.requiretls {
            p = p.with_requiretls();
        }
        if let Some(v) = w.mt_priority {
            p = p.with_mt_priority(v).map_err(D::Error::custom)?;
        }
        if let Some(v) = &w.hold {
            p = p.with_hold(v).map_err(D::Error::custom)?;
        }
        if let Some(v) = w.by {
            p = p.with_by(v).map_err(D::Error::custom)?;
        }
        for o in &w.other {
            if p.other()
                .any(|q| q.keyword.as_str().eq_ignore_ascii_case(o.keyword.as_str()))
            {
                return Err(D::Error::custom("a parameter given twice"));
            }
            p = p.with_param(o).map_err(D::Error::custom)?;
        }
        Ok(p)
    }
}

impl<'de, 'a> Deserialize<'de> for RcptParams<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire<'a> {
            notify: Option<Notify>,
            orcpt: Option<Orcpt<'a>>,
            #[serde(default)]
            other: Vec<Param<'a>>,
        }
        let w = Wire::deserialize(d)?;
        let mut p = RcptParams::default();
        if let Some(v) = w.notify {
            p = p.with_notify(v).map_err(D::Error::custom)?;
        }
        if let Some(v) = &w.orcpt {
            p = p.with_orcpt(v).map_err(D::Error::custom)?;
        }
        for o in &w.other {
            if p.other()
                .any(|q| q.keyword.as_str().eq_ignore_ascii_case(o.keyword.as_str()))
            {
                return Err(D::Error::custom("a parameter given twice"));
            }
            p = p.with_param(o).map_err(D::Error::custom)?;
        }
        Ok(p)
    }
}
