# Written for eksgen's tests: a terraform-aws-eks v21 root module with Karpenter (the eks module's karpenter
# submodule) and EKS Pod Identity (the eks-pod-identity module, an addon's association, an existing role).
provider "aws" {
  region = "eu-west-1"
}

locals {
  name = "karpenter-ex"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name                   = local.name
  kubernetes_version     = "1.34"
  authentication_mode    = "API"
  endpoint_public_access = false
  upgrade_policy = {
    support_type = "STANDARD"
  }

  addons = {
    coredns                = {}
    eks-pod-identity-agent = { before_compute = true }
    kube-proxy             = {}
    vpc-cni                = { before_compute = true }
    aws-ebs-csi-driver = {
      pod_identity_association = [{
        role_arn        = module.pod_identity_ebs_csi.iam_role_arn
        service_account = "ebs-csi-controller-sa"
      }]
    }
  }

  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]

  eks_managed_node_groups = {
    karpenter = {
      instance_types = ["m6i.large"]
      min_size       = 2
      max_size       = 3
      desired_size   = 2
      labels = {
        "karpenter.sh/controller" = "true"
      }
    }
  }

  node_security_group_tags = {
    "karpenter.sh/discovery" = local.name
  }
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "21.19.0"

  cluster_name = module.eks.cluster_name

  namespace       = "karpenter"
  service_account = "karpenter-controller"

  create_pod_identity_association = true
  node_iam_role_use_name_prefix   = false
  node_iam_role_additional_policies = {
    ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }

  queue_name = "karpenter-ex-interruptions"
}

module "pod_identity_ebs_csi" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name = "karpenter-ex-ebs-csi"

  attach_aws_ebs_csi_policy = true
}

module "pod_identity_dns" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name = "external-dns"

  attach_external_dns_policy    = true
  external_dns_hosted_zone_arns = ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = "external-dns"
      service_account = "external-dns"
    }
  }
}

resource "aws_eks_pod_identity_association" "ledger" {
  cluster_name    = module.eks.cluster_name
  namespace       = "payments"
  service_account = "ledger"
  role_arn        = "arn:aws:iam::111122223333:role/payments-ledger"
}

resource "helm_release" "karpenter" {
  name       = "karpenter"
  namespace  = "karpenter"
  repository = "oci://public.ecr.aws/karpenter"
  chart      = "karpenter"
}
