from django.db import migrations

# The UPR and the ten treaty bodies (with the CRC's optional protocols). Special procedures and
# regional mechanisms are added by the vocabulary loader and by States.
MECHANISMS = [
    ("UPR", "upr", "Universal Periodic Review", []),
    ("CERD", "treaty_body", "Committee on the Elimination of Racial Discrimination", []),
    ("CESCR", "treaty_body", "Committee on Economic, Social and Cultural Rights", []),
    ("CCPR", "treaty_body", "Human Rights Committee", ["HRCttee"]),
    ("CEDAW", "treaty_body", "Committee on the Elimination of Discrimination against Women", []),
    ("CAT", "treaty_body", "Committee against Torture", []),
    ("SPT", "treaty_body", "Subcommittee on Prevention of Torture", []),
    ("CRC", "treaty_body", "Committee on the Rights of the Child", []),
    ("CRC-OP-SC", "treaty_body", "Committee on the Rights of the Child (sale of children protocol)", ["CRC-OPSC"]),
    ("CRC-OP-AC", "treaty_body", "Committee on the Rights of the Child (armed conflict protocol)", ["CRC-OPAC"]),
    ("CMW", "treaty_body", "Committee on Migrant Workers", []),
    ("CRPD", "treaty_body", "Committee on the Rights of Persons with Disabilities", []),
    ("CED", "treaty_body", "Committee on Enforced Disappearances", []),
]


def add_mechanisms(apps, schema_editor):
    Mechanism = apps.get_model("recommendations", "Mechanism")
    for code, kind, name, aliases in MECHANISMS:
        Mechanism.objects.using(schema_editor.connection.alias).update_or_create(
            code=code, defaults={"kind": kind, "name": name, "name_en": name, "aliases": aliases}
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0002_initial")]

    operations = [migrations.RunPython(add_mechanisms, migrations.RunPython.noop)]
