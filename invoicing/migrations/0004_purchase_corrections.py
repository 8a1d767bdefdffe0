"""Purchase invoices can be corrected (a reversal plus a new registration) and a replacement
waits as a draft until the user registers it.

The PostgreSQL guard of 0002 learns drafts: a draft and its lines may change or be deleted;
once registered, only its payment or correction state (status, paid_at) changes, never back
to draft, and its lines and VAT totals stay as booked. (SQLite relies on the model guards.)"""

import django.db.models.deletion
from django.db import migrations, models

SQL = """
CREATE OR REPLACE FUNCTION invoicing_purchase_guard() RETURNS trigger AS $$
DECLARE
    mutable text[] := ARRAY['status', 'paid_at'];
BEGIN
    IF current_setting('facturen.repair_finalized', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'draft' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'a booked purchase invoice cannot be deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status = 'draft' THEN RETURN NEW; END IF;
    IF NEW.status <> 'draft'
            AND (to_jsonb(NEW) - mutable) IS NOT DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a booked purchase invoice cannot be changed'
        USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION invoicing_purchase_part_guard() RETURNS trigger AS $$
BEGIN
    IF current_setting('facturen.repair_finalized', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM invoicing_purchaseinvoice WHERE status <> 'draft'
               AND id IN (OLD.invoice_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.invoice_id END))
    THEN
        RAISE EXCEPTION 'the lines of a booked purchase invoice cannot be changed'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS invoicing_purchase_line_guard ON invoicing_purchaseinvoiceline;
DROP TRIGGER IF EXISTS invoicing_purchase_vat_total_guard ON invoicing_purchaseinvoicevattotal;
CREATE TRIGGER invoicing_purchase_line_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoiceline
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_part_guard();
CREATE TRIGGER invoicing_purchase_vat_total_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoicevattotal
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_part_guard();
"""

# Back to 0002's guard: every purchase invoice is booked, its lines never change.
REVERSE_SQL = """
CREATE OR REPLACE FUNCTION invoicing_purchase_guard() RETURNS trigger AS $$
DECLARE
    mutable text[] := ARRAY['status', 'paid_at'];
BEGIN
    IF current_setting('facturen.repair_finalized', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a booked purchase invoice cannot be deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_TABLE_NAME = 'invoicing_purchaseinvoice'
            AND (to_jsonb(NEW) - mutable) IS NOT DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a booked purchase invoice cannot be changed'
        USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS invoicing_purchase_line_guard ON invoicing_purchaseinvoiceline;
DROP TRIGGER IF EXISTS invoicing_purchase_vat_total_guard ON invoicing_purchaseinvoicevattotal;
CREATE TRIGGER invoicing_purchase_line_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoiceline
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_guard();
CREATE TRIGGER invoicing_purchase_vat_total_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoicevattotal
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_guard();
DROP FUNCTION IF EXISTS invoicing_purchase_part_guard();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the % in RAISE messages must reach PostgreSQL as written.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('invoicing', '0003_protect_product_and_finalizer'),
    ]

    operations = [
        migrations.AddField(
            model_name='purchaseinvoice',
            name='replaces',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replacement', to='invoicing.purchaseinvoice', verbose_name='replaces'),
        ),
        migrations.AddField(
            model_name='purchaseinvoice',
            name='reversal_of',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='invoicing.purchaseinvoice', verbose_name='reverses'),
        ),
        migrations.AlterField(
            model_name='purchaseinvoice',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('received', 'Received'), ('paid', 'Paid'), ('corrected', 'Corrected'), ('reversal', 'Reversal')], default='received', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(_run(SQL), _run(REVERSE_SQL)),
    ]
