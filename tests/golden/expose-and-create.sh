# kubeplay: --seed 21
# Services, ConfigMaps, Secrets, Jobs and CronJobs made with kubectl's generators, as the
# kubernetes.io tutorials make them ("Connecting Applications with Services",
# "Configure a Pod to Use a ConfigMap", "Distribute Credentials Securely Using Secrets").
kubectl run alpine --image=alpine:3.20 -- sleep 3600
kubectl expose pod alpine
kubectl expose pod alpine --port 8080
kubectl create deployment my-nginx --image=nginx:1.27 --replicas=2 --port=80
kubectl rollout status deployment/my-nginx
kubectl expose deployment/my-nginx
kubectl expose deployment my-nginx --name=my-nginx-np --type=NodePort --port=8080 --target-port=80
kubectl expose deployment my-nginx --name=preview --port=80 --dry-run=client -o yaml
kubectl get svc
kubectl get endpoints my-nginx
kubectl expose service my-nginx --name=my-nginx-udp --protocol=UDP --port=53
kubectl expose deployment missing --port=80
kubectl create service clusterip backend --tcp=80:8080
kubectl create service nodeport web-np --tcp=80 --node-port=30080
kubectl create service externalname search --external-name=example.com
kubectl create service loadbalancer lb --tcp=443:8443
kubectl get svc backend web-np search lb
kubectl create service clusterip backend --tcp=80
# ConfigMaps from literals, files and env files.
cat > game.properties <<'TXT'
enemies=aliens
lives=3
TXT
cat > ui.env <<'TXT'
# the UI settings
color=good
how=fairlyNice
TXT
kubectl create configmap game-config --from-file=game.properties --from-literal=difficulty=hard
kubectl create configmap ui-config --from-env-file=ui.env
kubectl get configmaps
kubectl get configmap game-config -o yaml
kubectl describe configmap ui-config
kubectl create configmap game-config --from-literal=a=b
kubectl create configmap broken --from-literal=novalue
# Secrets.
kubectl create secret generic db-user-pass --from-literal=username=admin --from-literal=password='S!B\*d$zDsb='
kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=me --docker-password=pw
kubectl get secrets
kubectl describe secret db-user-pass
kubectl get secret db-user-pass -o jsonpath='{.data.password}{"\n"}'
kubectl get secret db-user-pass -o go-template='{{.data.username | base64decode}}{{"\n"}}'
# Jobs and CronJobs.
kubectl create cronjob hello --image=busybox:1.36 --schedule='*/1 * * * *' -- echo hello
kubectl create cronjob nope --image=busybox:1.36
kubectl create cronjob bad --image=busybox:1.36 --schedule='61 * * * *'
kubectl create job hello-now --from=cronjob/hello
kubectl create job pi --image=perl:5.34.0 -- perl -Mbignum=bpi -wle 'print bpi(20)'
kubectl wait --for=condition=complete job/pi job/hello-now --timeout=2m
kubectl logs job/hello-now
kubectl logs job/pi
kubectl expose job pi --port=80
