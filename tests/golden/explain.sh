# kubectl explain: a learner writing a Deployment looks up its fields as a tutorial shows,
# by plural, singular, short name and kind.group, with --recursive and --api-version, and
# meets explain's errors.
kubectl explain deployments
kubectl explain deploy.spec.replicas
kubectl explain deployment.spec.strategy
kubectl explain deployments.apps.spec.strategy.rollingUpdate.maxSurge
kubectl explain deployment.spec.strategy --recursive
kubectl explain pods.spec.containers.imagePullPolicy
kubectl explain po.spec.containers.resources.limits
kubectl explain pod.metadata.labels
kubectl explain svc.spec.type
kubectl explain pdb --recursive
kubectl explain hpa.spec.metrics.resource --api-version=autoscaling/v2
kubectl explain cj.spec.jobTemplate.spec.backoffLimit
kubectl explain StorageClass.reclaimPolicy
kubectl explain pods.spec.nodeName.bogus
kubectl explain deployment.spec.replica
kubectl explain deployments.apps.spec --api-version=apps/v1
kubectl explain pods --api-version=apps/v1
kubectl explain deployments --api-version=apps/v2
kubectl explain deployments --api-version=a/b/c
kubectl explain pods --output=yaml
kubectl explain pods -o plaintext
kubectl explain deploymnt
kubectl explain
kubectl explain pods services
kubectl explain 'pods..spec.nodeName'
kubectl explain 'pods..spec.nodeName' --api-version=v1
