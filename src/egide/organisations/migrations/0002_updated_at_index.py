"""Indexes for the directory API.

- `organisation_placed_idx` extends the département index with `address_visibility`, so that
  counting the organisations of a département that the viewer may place reads the index only.
- `organisation_updated_idx`: the latest change dates the API's responses (ETag, Last-Modified).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="organisation", name="organisatio_departe_8b8c59_idx"),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["departement", "is_published", "is_active", "address_visibility"],
                name="organisation_placed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["updated_at"], name="organisation_updated_idx"),
        ),
    ]
