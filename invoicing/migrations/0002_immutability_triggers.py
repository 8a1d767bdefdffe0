"""PostgreSQL triggers that make finalized documents immutable in the database itself, so not
even a queryset.update(), raw SQL or another app can rewrite a sent invoice. (SQLite, the
`make run` default, relies on the model guards alone.)

A deliberate repair (support, a test that simulates corrupt data) runs in its own transaction
after ``SET LOCAL facturen.repair_finalized = 'on'``; nothing in the application does that."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION invoicing_sales_invoice_guard() RETURNS trigger AS $$
DECLARE
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'updated_at'];
BEGIN
    IF current_setting('facturen.repair_finalized', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is finalized and cannot be deleted', OLD.number
                USING ERRCODE = 'restrict_violation', HINT = 'Correct it with a credit note.';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (NEW.status = 'draft'
            OR (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable)) THEN
        RAISE EXCEPTION 'invoice % is finalized and cannot be changed', OLD.number
            USING ERRCODE = 'restrict_violation', HINT = 'Correct it with a credit note; a '
                'deliberate repair runs after SET LOCAL facturen.repair_finalized = ''on''.';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_sales_invoice_guard
    BEFORE UPDATE OR DELETE ON invoicing_salesinvoice
    FOR EACH ROW EXECUTE FUNCTION invoicing_sales_invoice_guard();

CREATE OR REPLACE FUNCTION invoicing_sales_invoice_part_guard() RETURNS trigger AS $$
DECLARE
    parent bigint;
BEGIN
    IF current_setting('facturen.repair_finalized', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN parent := OLD.invoice_id; ELSE parent := NEW.invoice_id; END IF;
    IF EXISTS (SELECT 1 FROM invoicing_salesinvoice WHERE id = parent AND status <> 'draft')
    THEN
        RAISE EXCEPTION 'the lines of finalized invoice % cannot be changed', parent
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_sales_line_guard
    BEFORE INSERT OR UPDATE OR DELETE ON invoicing_salesinvoiceline
    FOR EACH ROW EXECUTE FUNCTION invoicing_sales_invoice_part_guard();
CREATE TRIGGER invoicing_sales_vat_total_guard
    BEFORE INSERT OR UPDATE OR DELETE ON invoicing_salesinvoicevattotal
    FOR EACH ROW EXECUTE FUNCTION invoicing_sales_invoice_part_guard();

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

CREATE TRIGGER invoicing_purchase_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoice
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_guard();
CREATE TRIGGER invoicing_purchase_line_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoiceline
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_guard();
CREATE TRIGGER invoicing_purchase_vat_total_guard
    BEFORE UPDATE OR DELETE ON invoicing_purchaseinvoicevattotal
    FOR EACH ROW EXECUTE FUNCTION invoicing_purchase_guard();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS invoicing_sales_invoice_guard ON invoicing_salesinvoice;
DROP TRIGGER IF EXISTS invoicing_sales_line_guard ON invoicing_salesinvoiceline;
DROP TRIGGER IF EXISTS invoicing_sales_vat_total_guard ON invoicing_salesinvoicevattotal;
DROP TRIGGER IF EXISTS invoicing_purchase_guard ON invoicing_purchaseinvoice;
DROP TRIGGER IF EXISTS invoicing_purchase_line_guard ON invoicing_purchaseinvoiceline;
DROP TRIGGER IF EXISTS invoicing_purchase_vat_total_guard ON invoicing_purchaseinvoicevattotal;
DROP FUNCTION IF EXISTS invoicing_sales_invoice_guard();
DROP FUNCTION IF EXISTS invoicing_sales_invoice_part_guard();
DROP FUNCTION IF EXISTS invoicing_purchase_guard();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the % in RAISE messages must reach PostgreSQL as written.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [migrations.RunPython(_run(SQL), _run(REVERSE_SQL))]
