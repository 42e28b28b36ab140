#!/bin/sh
# The compose stack's Temporal setup job (temporalio/admin-tools), once the server is healthy: the
# namespace, and the search attributes Sluice's workflows set (the same as scripts/dev-services
# registers; ComposeFileTest holds the three lists together). Every step is idempotent.
set -eu
ns=${TEMPORAL_NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
for attribute in SluiceDataset=Keyword SluiceStage=Keyword SluicePartitionDate=Datetime SluicePartition=Keyword; do
  name=${attribute%%=*}
  if temporal operator search-attribute list -n "$ns" --address "$TEMPORAL_ADDRESS" | grep -qw "$name"; then
    echo "search attribute $name is registered"
  else
    temporal operator search-attribute create -n "$ns" --address "$TEMPORAL_ADDRESS" \
      --name "$name" --type "${attribute#*=}"
  fi
done
