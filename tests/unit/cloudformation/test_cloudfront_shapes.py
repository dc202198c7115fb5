"""Templates write CloudFront's lists as arrays and a behaviour's methods side by side; the
API takes {Quantity, Items} and nests CachedMethods in AllowedMethods.

https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-defaultcachebehavior.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DefaultCacheBehavior.html
"""

from __future__ import annotations

from emulator.cloudformation.types.cloudfront import config_of


def test_a_template_distribution_config_in_the_api_s_shape() -> None:
    config = config_of("CreateDistribution", "DistributionConfig", {
        "Enabled": "true",
        "Aliases": ["www.example.com"],
        "Origins": [{"Id": "site", "DomainName": "site.s3.amazonaws.com",
                     "OriginCustomHeaders": [{"HeaderName": "X-A", "HeaderValue": "1"}],
                     "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        "DefaultCacheBehavior": {
            "TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
            "AllowedMethods": ["GET", "HEAD", "OPTIONS"], "CachedMethods": ["GET", "HEAD"],
            "TrustedKeyGroups": [],
            "ForwardedValues": {"QueryString": False, "Headers": ["Origin"]},
            "DefaultTTL": "60"},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "whitelist",
                                            "Locations": ["DE", "FR"]}},
        "CustomErrorResponses": [{"ErrorCode": 404, "ResponsePagePath": "/404.html"}]})
    assert config["Enabled"] is True
    assert config["Aliases"] == {"Quantity": 1, "Items": ["www.example.com"]}
    origin = config["Origins"]["Items"][0]
    assert origin["CustomHeaders"] == {"Quantity": 1, "Items": [
        {"HeaderName": "X-A", "HeaderValue": "1"}]}
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["AllowedMethods"] == {
        "Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
        "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}
    assert behaviour["TrustedKeyGroups"] == {"Quantity": 0, "Enabled": False}
    assert behaviour["ForwardedValues"]["Headers"] == {"Quantity": 1, "Items": ["Origin"]}
    assert behaviour["DefaultTTL"] == 60
    assert config["Restrictions"]["GeoRestriction"] == {
        "RestrictionType": "whitelist", "Quantity": 2, "Items": ["DE", "FR"]}
    assert config["CustomErrorResponses"]["Items"][0]["ResponsePagePath"] == "/404.html"


def test_items_without_a_count_are_counted() -> None:
    config = config_of("CreateResponseHeadersPolicy", "ResponseHeadersPolicyConfig", {
        "Name": "h", "CustomHeadersConfig": {"Items": [
            {"Header": "X-Site", "Value": "yes", "Override": True}]}})
    assert config["CustomHeadersConfig"]["Quantity"] == 1
