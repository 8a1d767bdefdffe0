"""A cost centre per sales and purchase invoice line (0 = the connection's default).

Adding a column with a constant default rewrites no row (PostgreSQL keeps the default in its
catalog), so the row triggers of 0002 and 0004 that freeze finalized lines do not fire: every
existing line reads 0, which is what it was booked with. Those triggers refuse any write to
the lines of a finalized invoice, so they freeze the new column with the rest unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('invoicing', '0004_purchase_corrections'),
    ]

    operations = [
        migrations.AddField(
            model_name='purchaseinvoiceline',
            name='cost_centre',
            field=models.BigIntegerField(default=0, verbose_name='cost centre'),
        ),
        migrations.AddField(
            model_name='salesinvoiceline',
            name='cost_centre',
            field=models.BigIntegerField(default=0, verbose_name='cost centre'),
        ),
    ]
