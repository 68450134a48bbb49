//! TLS for STARTTLS and the implicit-TLS listener: rustls with the ring provider, from PEM
//! files or a self-signed certificate made at start with rcgen.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Why a TLS setup could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read.
    Io(std::io::Error),
    /// No certificate, or no private key, in the PEM data.
    Pem(String),
    /// The certificate could not be generated.
    Generate(String),
    /// rustls refused the certificate or key.
    Rustls(rustls::Error),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::Io(e) => write!(f, "cannot read the PEM file: {e}"),
            TlsError::Pem(e) => write!(f, "bad PEM data: {e}"),
            TlsError::Generate(e) => write!(f, "cannot generate a certificate: {e}"),
            TlsError::Rustls(e) => write!(f, "TLS configuration refused: {e}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// A server certificate and key, ready for handshakes.
#[derive(Clone)]
pub struct TlsSetup {
    config: Arc<rustls::ServerConfig>,
    certificate_pem: String,
}

impl fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSetup").finish_non_exhaustive()
    }
}

impl TlsSetup {
    /// A self-signed certificate for `names` (DNS names or IP addresses), made now.
    pub fn self_signed(names: &[&str]) -> Result<Self, TlsError> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        let cert = made.cert.pem();
        let key = made.signing_key.serialize_pem();
        Self::from_pem(cert.as_bytes(), key.as_bytes())
    }

    /// A certificate chain and private key in PEM files.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let cert = std::fs::read(cert).map_err(TlsError::Io)?;
        let key = std::fs::read(key).map_err(TlsError::Io)?;
        Self::from_pem(&cert, &key)
    }

    /// A certificate chain (leaf first) and a private key (PKCS #8, PKCS #1 or SEC1), as PEM.
    pub fn from_pem(cert: &[u8], key: &[u8]) -> Result<Self, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<_, _>>()
            .map_err(|e| TlsError::Pem(e.to_string()))?;
        if chain.is_empty() {
            return Err(TlsError::Pem("no certificate".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| TlsError::Pem(e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(TlsError::Rustls)?;
        // The chain parsed, so its first block is there.
        let certificate_pem =
            first_certificate_block(cert).ok_or_else(|| TlsError::Pem("no certificate".into()))?;
        Ok(TlsSetup {
            config: Arc::new(config),
            certificate_pem,
        })
    }

    /// The leaf certificate as PEM (for a test client to trust).
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// A handshake acceptor.
    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(Arc::clone(&self.config))
    }
}

/// The first certificate block of a PEM text (the leaf), as written, for a test client to trust.
fn first_certificate_block(pem: &[u8]) -> Option<String> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let start = pem.windows(BEGIN.len()).position(|w| w == BEGIN)?;
    let len = pem[start..].windows(END.len()).position(|w| w == END)? + END.len();
    let block = String::from_utf8_lossy(&pem[start..start + len]);
    Some(format!("{block}\n"))
}
