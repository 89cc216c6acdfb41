"""Inter-annotator agreement (pure functions).

One function per measure of ``docs/agreement.md`` — each takes a test case's ``input`` fields as keyword
arguments and returns a plain dict (undefined values are ``None`` with a ``reason``) — and the corpus-level
report used by ``annotator.services.agreement``, typed (``report_types.AgreementReport``, read by attribute,
``to_dict()`` its JSON).  Qt-free and store-free: only ``annotator.core``, numpy and (lazily, inside
functions) scipy.
"""

from __future__ import annotations

from annotator.agreement.coding import cohen_kappa, cohen_kappa_weighted, fleiss_kappa, krippendorff_alpha
from annotator.agreement.gamma import gamma, gamma_observed_disorder
from annotator.agreement.report import DocumentSpans, agreement_report
from annotator.agreement.report_types import AgreementReport
from annotator.agreement.spans import span_f1, span_semeval
from annotator.agreement.tokens import token_kappa
from annotator.agreement.unitizing import krippendorff_alpha_unitizing

MEASURES = {
    "cohen_kappa": cohen_kappa,
    "cohen_kappa_weighted": cohen_kappa_weighted,
    "fleiss_kappa": fleiss_kappa,
    "krippendorff_alpha": krippendorff_alpha,
    "span_f1": span_f1,
    "span_semeval": span_semeval,
    "token_kappa": token_kappa,
    "krippendorff_alpha_unitizing": krippendorff_alpha_unitizing,
    "gamma_observed_disorder": gamma_observed_disorder,
    "gamma": gamma,
}

__all__ = ["MEASURES", "AgreementReport", "DocumentSpans", "agreement_report", "cohen_kappa", "cohen_kappa_weighted",
           "fleiss_kappa", "gamma", "gamma_observed_disorder", "krippendorff_alpha", "krippendorff_alpha_unitizing",
           "span_f1", "span_semeval", "token_kappa"]
