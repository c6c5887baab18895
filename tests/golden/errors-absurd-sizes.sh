# Class 9: a 10 MiB manifest reaches the API server, which refuses the request body;
# under that, the 1 MiB ConfigMap and 256 KiB annotation limits.
printf '%01000d' 0 > a
cat a a a a > b
cat b b b b > a
cat a a a a > b
cat b b b b > a
cat a a a a > mb
rm a b
wc -c mb
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: "' > huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
cat mb >> huge.yaml
printf '"\n' >> huge.yaml
wc -c huge.yaml
kubectl apply -f huge.yaml
kubectl create -f huge.yaml
kubectl get configmap huge
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: limit\ndata:\n  blob: "' > limit.yaml
cat mb >> limit.yaml
printf '"\n' >> limit.yaml
kubectl create -f limit.yaml
kubectl apply -f limit.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: over\ndata:\n  blob: "' > over.yaml
cat mb >> over.yaml
cat mb >> over.yaml
printf '"\n' >> over.yaml
kubectl create -f over.yaml
kubectl get configmaps
