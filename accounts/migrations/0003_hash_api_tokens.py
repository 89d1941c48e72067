"""API tokens are stored as their digest: replace every stored token by its
digest, so tokens already handed out keep working."""

import hashlib

from django.db import migrations


def digest_existing(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    for token in list(Token.objects.all()):
        digest = hashlib.sha256(token.key.encode()).hexdigest()[:40]  # accounts.tokens.api_token_digest
        user_id, created = token.user_id, token.created
        token.delete()
        Token.objects.create(key=digest, user_id=user_id)
        Token.objects.filter(key=digest).update(created=created)  # auto_now_add set it to now


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_unitaccesspolicy_invitation"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(digest_existing, migrations.RunPython.noop, elidable=True)]
