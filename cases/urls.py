from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("new/", views.new_question, name="new"),
    path("new/suggestions/", views.question_suggestions, name="question_suggestions"),
    path("new/suggestions/<int:pk>/", views.suggestion_open, name="suggestion_open"),
    path("mine/", views.my_questions, name="mine"),
    path("mine/<int:pk>/", views.client_detail, name="client_detail"),
    path("mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("register/", views.register_message, name="register"),
    path("register/clients/", views.client_lookup, name="client_lookup"),
    path("bulk/", views.bulk_assign, name="bulk_assign"),
    path("export/<str:kind>/", views.export_queue, name="export"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/urgency/", views.decide_urgency, name="urgency"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/links/", views.case_links, name="links"),
    path("<int:pk>/answer/", views.save_answer, name="answer"),
    path("<int:pk>/answer/insert/", views.insert_typical_answer, name="insert_typical"),
    path("<int:pk>/answer/review/", views.approve_answer, name="review"),
    path("<int:pk>/answer/register/", views.register_answer, name="register_answer"),
    path("<int:pk>/clarify/", views.clarify, name="clarify"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/extend/request/", views.request_extension, name="extension_request"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/forward/request/", views.request_forwarding, name="forward_request"),
    path("<int:pk>/notes/", views.add_note, name="note"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:event_pk>/", views.decide_request, name="decide_request"),
    path("<int:pk>/requests/", views.request_documents, name="request_documents"),
    path("<int:pk>/requests/<int:request_pk>/reply/", views.body_reply, name="body_reply"),
    path("<int:pk>/deliveries/<int:delivery_pk>/", views.delivery_action, name="delivery"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/print/", views.delivery_print, name="delivery_print"
    ),
    path("<int:pk>/letters/<int:letter_pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("answer-files/<int:pk>/", views.answer_attachment, name="answer_attachment"),
    path("mine/<int:pk>/reply/", views.client_reply, name="client_reply"),
    path("mine/<int:pk>/rate/", views.rate, name="rate"),
    path("mine/<int:pk>/supplement/", views.client_supplement, name="client_supplement"),
    path(
        "mine/<int:pk>/letters/<int:letter_pk>/pdf/",
        views.client_letter_pdf,
        name="client_letter_pdf",
    ),
]
