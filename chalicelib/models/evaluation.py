"""The élus' ratings of their trainings, in one table keyed by `pk`:

- `dossier#<id>`: one file's rating (1 to 5) and comment, editable for a while;
- `organisme#<SIRET>`, `formation#<id>`: the running totals (sum and count) that averages are
  read from, moved in the same transaction as each rating (no Query, no Scan).
"""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model


class _EvaluationItem(Model):
    class Meta:
        table_name = "evaluations"
        settings_field = "evaluations_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)


class Evaluation(_EvaluationItem):
    dossier = UnicodeAttribute()
    formation_id = UnicodeAttribute()
    organisme = UnicodeAttribute()  # SIRET
    note = NumberAttribute()
    commentaire = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class EvaluationTotal(_EvaluationItem):
    somme = NumberAttribute(default=0)
    nombre = NumberAttribute(default=0)
