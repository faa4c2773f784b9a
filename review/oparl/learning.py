"""A second opinion learnt from the office's own triage decisions.

Every decision is a label: a case triaged as relevant (or pulled in by hand) is a positive, one
closed as "keine Betroffenheit" a negative. A nightly beat job trains TF-IDF on character
n-grams (they see inside German compounds, like the profile does) and a logistic regression,
and stores it in the database where web and workers read it (RelevanceModel). The model only
ever adds points and a reason of its own ("ähnlich wie frühere Vorgänge …"); the profile's
reasons stay. With too few decisions (cold start) there is no model and nothing changes.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from review.models import Paper, RelevanceModel, Review

from . import reasons

# Fewer decisions of either kind than this: no model (a handful of labels teaches noise).
MIN_LABELS = 20
# Points the model adds at probability 1 (alone it proposes a paper from p = 0.6 on, with the
# threshold of 30); below MIN_PROBABILITY it adds nothing.
MODEL_POINTS = 50
MIN_PROBABILITY = 0.5
KEEP_MODELS = 3
TEXT_CHARS = 2000


def document(fields: dict[str, Any], attachments: list[Any]) -> str:
    """What the model reads of a paper: title, type, attachment names, the start of their text."""
    parts = [str(fields.get("name") or ""), str(fields.get("paper_type") or "")]
    parts += [a.name for a in attachments]
    parts += [a.text[:TEXT_CHARS] for a in attachments if a.text]
    return " ".join(parts)


@dataclass
class Bundle:
    vectorizer: Any
    classifier: Any
    positives: Any  # TF-IDF rows of the positive examples, for "ähnlich wie …"
    references: list[str]

    def opinion(self, text: str) -> tuple[int, str] | None:
        row = self.vectorizer.transform([text])
        probability = float(self.classifier.predict_proba(row)[0, 1])
        if probability < MIN_PROBABILITY:
            return None
        similarity = (self.positives @ row.T).toarray().ravel()
        nearest = similarity.argsort()[::-1][:2]
        references = ", ".join(self.references[i] for i in nearest if similarity[i] > 0)
        if not references:
            return None
        reason = reasons.SIMILAR(references=references, probability=f"{probability:.0%}")
        return round(MODEL_POINTS * probability), reason


def fit(texts: list[str], labels: list[int], references: list[str]) -> Bundle:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=200_000
    )
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(class_weight="balanced", max_iter=2000, C=4.0)
    classifier.fit(matrix, labels)
    positive_rows = [i for i, label in enumerate(labels) if label]
    return Bundle(
        vectorizer,
        classifier,
        matrix[positive_rows],
        [references[i] for i in positive_rows],
    )


def training_labels() -> dict[int, int]:
    """Paper pk → 1 (triaged relevant) or 0 (keine Betroffenheit), from the cases."""
    rows = Review.objects.exclude(status=Review.Status.NEW).values_list("paper_id", "status")
    return {pk: int(status != Review.Status.NOT_AFFECTED) for pk, status in rows}


@transaction.atomic
def train(*, now: datetime) -> RelevanceModel | None:
    """Train on all decisions so far; None (and no model) while there are too few."""
    from .relevance import paper_context

    labels = training_labels()
    positives = sum(labels.values())
    if positives < MIN_LABELS or len(labels) - positives < MIN_LABELS:
        return None
    rows = Paper.all_objects.filter(pk__in=list(labels)).values_list(
        "pk", "name", "paper_type", "reference"
    )
    papers = {pk: {"name": n, "paper_type": t, "reference": r} for pk, n, t, r in rows}
    _lead, attachments = paper_context(list(papers))
    order = sorted(papers)
    bundle = fit(
        [document(papers[pk], attachments[pk]) for pk in order],
        [labels[pk] for pk in order],
        [papers[pk]["reference"] or str(pk) for pk in order],
    )
    buffer = io.BytesIO()
    pickle.dump(bundle, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    data = buffer.getvalue()
    model = RelevanceModel.objects.create(
        trained_at=now,
        positives=positives,
        negatives=len(labels) - positives,
        size_bytes=len(data),
        data=data,
    )
    old = RelevanceModel.objects.order_by("-trained_at", "-id").values_list("pk", flat=True)
    RelevanceModel.objects.filter(pk__in=list(old[KEEP_MODELS:])).delete()
    return model


_loaded: dict[int, Bundle] = {}


def current() -> Bundle | None:
    """The newest model, unpickled once per process (a new row replaces it)."""
    latest = RelevanceModel.objects.order_by("-trained_at", "-id").values_list("pk", flat=True)
    pk = latest.first()
    if pk is None:
        return None
    if pk not in _loaded:
        data = RelevanceModel.objects.values_list("data", flat=True).get(pk=pk)
        # Our own beat job wrote these bytes into our own database; nothing else writes them.
        _loaded.clear()
        _loaded[pk] = pickle.loads(bytes(data))
    return _loaded[pk]
