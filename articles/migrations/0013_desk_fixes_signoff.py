"""Sign-offs before publication (medical review, the director) and the roles that give them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def update_groups(apps, schema_editor):
    from articles.roles import ensure_newsroom_groups

    # Permissions are normally made after migrations (post_migrate); the
    # sign-off permissions must exist for the new groups.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_newsroom_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("articles", "0012_pro_article_audience"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='article',
            options={'ordering': ['-publish_at', '-id'], 'permissions': [('publish_article', 'Può pubblicare, programmare e ritirare articoli'), ('edit_any_article', 'Può modificare gli articoli di altri'), ('signoff_medical', 'Può firmare la revisione medica'), ('signoff_director', 'Può firmare come direttore responsabile')], 'verbose_name': 'articolo', 'verbose_name_plural': 'articoli'},
        ),
        migrations.AddField(
            model_name='article',
            name='is_sensitive',
            field=models.BooleanField(default=False, help_text='Temi legali o molto sensibili: se la testata lo richiede, serve la firma del direttore responsabile per pubblicare.', verbose_name='articolo delicato'),
        ),
        migrations.AddField(
            model_name='publisher',
            name='require_director_signoff',
            field=models.BooleanField(default=False, help_text='Gli articoli segnati come delicati escono solo dopo la firma del direttore responsabile.', verbose_name='firma del direttore per gli articoli delicati'),
        ),
        migrations.AddField(
            model_name='publisher',
            name='require_medical_signoff',
            field=models.BooleanField(default=False, help_text="Ogni contenuto sanitario esce solo dopo la firma di un revisore medico. Senza questa spunta la firma serve quando l'articolo ha un revisore medico con un account.", verbose_name='revisione medica obbligatoria'),
        ),
        migrations.CreateModel(
            name='Signoff',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('medical', 'Revisione medica'), ('director', 'Direttore responsabile')], max_length=20, verbose_name='tipo')),
                ('signed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='firmato il')),
                ('fingerprint', models.CharField(max_length=64)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signoffs', to='articles.article')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='firmato da')),
            ],
            options={
                'verbose_name': 'firma di approvazione',
                'verbose_name_plural': 'firme di approvazione',
                'ordering': ['-signed_at', '-id'],
                'indexes': [models.Index(fields=['article', 'kind', '-signed_at'], name='signoff_idx')],
            },
        ),
        migrations.RunPython(update_groups, migrations.RunPython.noop),
    ]
