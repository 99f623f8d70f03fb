"""TLS is verified by default; the bank's CA and a client certificate are honoured."""

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.backend import BackendUnavailable, CoreBankingClient, new_idempotency_key
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox


def _issue(tmp_path, name, issuer=None, *, ca=False, server=False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    signer_name, signer_key = (issuer[0].subject, issuer[1]) if issuer else (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(signer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    elif not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    cert = builder.sign(signer_key, hashes.SHA256())
    cert_path, key_path = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key, str(cert_path), str(key_path)


@pytest.fixture
def pki(tmp_path):
    bank_ca = _issue(tmp_path, "bank-ca", ca=True)
    front_end = _issue(tmp_path, "corebank", bank_ca[:2], server=True)
    kiosk = _issue(tmp_path, "stm-0101-01", bank_ca[:2])
    return {"ca": bank_ca[2], "server": front_end[2:], "kiosk": kiosk[2:]}


def test_a_bank_whose_certificate_we_cannot_check_is_refused(pki):
    with start_sandbox(tls_cert=pki["server"]) as bank:
        assert bank.url.startswith("https://")
        stranger = CoreBankingClient(bank.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN)
        with pytest.raises(BackendUnavailable):
            stranger.list_billers()
        with pytest.raises(BackendUnavailable):  # and a payment is not "unknown": never sent
            stranger.call_staff("customer_help", idempotency_key=new_idempotency_key())
        trusting = CoreBankingClient(
            bank.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, ca_bundle=pki["ca"]
        )
        assert len(trusting.list_billers()) == 5


def test_mutual_tls_needs_the_kiosk_certificate(pki):
    with start_sandbox(tls_cert=pki["server"], client_ca=pki["ca"]) as bank:
        anonymous = CoreBankingClient(
            bank.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, ca_bundle=pki["ca"], retries=0
        )
        with pytest.raises(BackendUnavailable):
            anonymous.list_billers()
        kiosk = CoreBankingClient(
            bank.url,
            "STM-0101-01",
            SANDBOX_KIOSK_TOKEN,
            ca_bundle=pki["ca"],
            client_cert=pki["kiosk"],
        )
        assert kiosk.look_up_bill("water", "1001234567").amount_due_fen == 8650
