from chalicelib.settings import Settings
from infra import resources
from infra.stage_config import stage_environment
from infra.template import FUNCTION_TIMEOUTS, logical_id, template


def test_every_queue_fed_function_reports_batch_item_failures():
    document = template("prod")["Resources"]
    mappings = {k: v for k, v in document.items()
                if v["Type"] == "AWS::Lambda::EventSourceMapping"}
    assert len(mappings) == len(resources.EVENT_SOURCES)
    for mapping in mappings.values():
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert {m["Properties"]["FunctionName"]["Ref"] for m in mappings.values()} == {
        logical_id(s.function) for s in resources.EVENT_SOURCES}


def test_queues_have_a_dead_letter_queue_and_six_times_the_function_timeout():
    settings = Settings.from_env(stage_environment("prod"))
    document = template("prod")["Resources"]
    sources = {getattr(settings, s.queue_field): s.function for s in resources.EVENT_SOURCES}
    by_name = {r["Properties"]["QueueName"]: r["Properties"] for r in document.values()
               if r["Type"] == "AWS::SQS::Queue"}
    for queue in resources.QUEUES:
        props = by_name[getattr(settings, queue.settings_field)]
        assert props["RedrivePolicy"]["maxReceiveCount"] == resources.MAX_RECEIVES
        assert props["VisibilityTimeout"] == 6 * FUNCTION_TIMEOUTS[sources[
            getattr(settings, queue.settings_field)]]
    for name, function in sources.items():  # AWS refuses a queue quicker than its function
        assert by_name[name]["VisibilityTimeout"] >= FUNCTION_TIMEOUTS[function]


def test_the_rne_bucket_notifies_the_ingestion_queue_for_uploads_only():
    document = template("prod")["Resources"]
    [bucket] = [r for r in document.values() if r["Type"] == "AWS::S3::Bucket"]
    configurations = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert sorted(c["Filter"]["S3Key"]["Rules"][0]["Value"] for c in configurations) == sorted(
        resources.RNE_UPLOAD_PREFIXES)
    assert bucket["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
