from django.urls import path

from quotes import public_views

app_name = "quote_public"

urlpatterns = [
    path("<str:token>/", public_views.public_quote, name="quote"),
    path("<str:token>/pdf/", public_views.public_quote_pdf, name="pdf"),
]
